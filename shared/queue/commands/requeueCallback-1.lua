--[[
  A call-back (re)joins its team's queue: a retry whose wait is over, a booked one whose window has
  opened, or a failed one staff ask to try again. Runs from scheduled jobs that may repeat: only the
  expected state moves.
  KEYS[1] the call-back's hash
  ARGV  prefix, now, callbackId, fromState (retry-wait | booked | failed), retentionMs (a failed one tried
        again lives at most this long from now)
  Returns {result, position}: queued | stale.
]]
local cbKey = KEYS[1]
local prefix, now, callbackId, fromState = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
-- @include "includes/calls"

local c = redis.call('HMGET', cbKey, 'state', 'team', 'seq')
if c[1] ~= fromState then return {'stale', 0} end
local member = 'cb:' .. callbackId
if fromState == 'booked' then
  -- Booked slots are promises: they go ahead of everyone not booked, in booking order.
  local seq = redis.call('INCR', prefix .. 'seq') - 1e9
  redis.call('HSET', cbKey, 'seq', seq, 'queuedAt', now)
elseif fromState == 'failed' then
  redis.call('HSET', cbKey, 'attempts', 0)
  redis.call('HDEL', cbKey, 'endedAt', 'failure')
  -- A booked one whose window was missed never had a place: it takes one now.
  if not c[3] then redis.call('HSET', cbKey, 'seq', redis.call('INCR', prefix .. 'seq')) end
  redis.call('PEXPIRE', cbKey, tonumber(ARGV[5]))
end
requeueAtHead(prefix, cbKey, member)
return {'queued', redis.call('ZRANK', prefix .. 'q:' .. c[2], member) + 1}
