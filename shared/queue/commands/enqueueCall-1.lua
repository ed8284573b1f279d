--[[
  A caller joins a team's queue, once: a repeated webhook for the same call returns where the
  caller already is.
  KEYS[1] call hash
  ARGV  prefix, now, callId, team, practice, from, provider, providerCallId
  Returns {state, position, waiting, aht, samples, staffOn}
]]
local callKey = KEYS[1]
local prefix, now, callId = ARGV[1], tonumber(ARGV[2]), ARGV[3]
-- @include "includes/position"

if redis.call('EXISTS', callKey) == 0 then
  -- The shard-wide sequence keeps arrival order exact even within one millisecond, and lets a
  -- caller keep their place when they move between the PCN's teams.
  local seq = redis.call('INCR', prefix .. 'seq')
  redis.call('HSET', callKey, 'state', 'queued', 'team', ARGV[4], 'practice', ARGV[5], 'from', ARGV[6],
    'provider', ARGV[7], 'providerCallId', ARGV[8], 'arrivedAt', now, 'queuedAt', now, 'seq', seq)
  redis.call('ZADD', prefix .. 'q:' .. ARGV[4], seq, callId)
end
return queueView(prefix, callKey, callId)
