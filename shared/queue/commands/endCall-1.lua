--[[
  The caller's call has ended (provider status callback). Exactly once it leaves the queue, frees
  or wraps up the staff member and writes the call record; repeats change nothing.
  KEYS[1] call hash
  ARGV  prefix, now, callId, practice, retentionMs, wrapMs
  Returns {result, outcome, staffId, staffNext}: result ended | duplicate; staffNext idle | wrap-up | ''.
]]
local callKey = KEYS[1]
local prefix, now, callId, practice = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local retentionMs, wrapMs = tonumber(ARGV[5]), tonumber(ARGV[6])
-- @include "includes/staff"
-- @include "includes/calls"

if redis.call('EXISTS', callKey) == 0 then
  -- The end arrived before (or instead of) the call itself: remember it so a late webhook for this
  -- call is told to hang up, and count it as a call that ended before joining a queue.
  redis.call('HSET', callKey, 'state', 'new', 'practice', practice, 'arrivedAt', now)
  writeRecord(prefix, callKey, callId, now, 'ivr', retentionMs)
  return {'ended', 'ivr', '', ''}
end

local c = redis.call('HMGET', callKey, 'state', 'staff', 'team', 'answeredAt')
local state, staffId = c[1], c[2] or ''
if state == 'ended' then return {'duplicate', redis.call('HGET', callKey, 'outcome'), '', ''} end

local outcome, staffNext = 'abandoned', ''
local staffKey = prefix .. 'staff:' .. staffId
if state == 'queued' then
  redis.call('ZREM', prefix .. 'q:' .. c[3], callId)
elseif state == 'connecting' then
  -- Hung up while a phone rang for them: the member of staff never took a call.
  becomeIdle(prefix, staffKey, staffId, tonumber(redis.call('HGET', staffKey, 'idleSince')) or now)
  staffNext = 'idle'
elseif state == 'talking' then
  outcome = 'answered'
  local talk = math.floor((now - tonumber(c[4])) / 1000 + 0.5)
  redis.call('HSET', callKey, 'talkSeconds', talk)
  if redis.call('HGET', staffKey, 'call') == callId then
    startWrapUp(prefix, staffKey, staffId, now, wrapMs)
    staffNext = 'wrap-up'
  end
  recordHandleTime(prefix, c[3], talk + wrapMs / 1000)
elseif state == 'talked' then
  outcome = 'answered'
elseif state == 'callback' then
  outcome = 'callback' -- the call-back keeps the caller's place; this call is done
end
if redis.call('HGET', callKey, 'kind') == 'callback' then
  -- A made call-back: recorded like a call, and kept as long as the practice keeps records.
  outcome = outcome == 'answered' and 'callback-made' or 'callback-abandoned'
  writeRecord(prefix, callKey, callId, now, outcome, retentionMs)
  redis.call('HSET', callKey, 'state', 'made')
  redis.call('PEXPIRE', callKey, retentionMs)
  return {'ended', outcome, staffId, staffNext}
end
writeRecord(prefix, callKey, callId, now, outcome, retentionMs)
return {'ended', outcome, staffId, staffNext}
