--[[
  The staff leg of a connect attempt has ended.
  KEYS[1] call hash
  ARGV  prefix, now, callId, staffId, outcome, talkSeconds, wrapMs
  talkSeconds '' means the provider does not report it: it is measured from the recorded answer.
  outcome: answered (they spoke; staff go to wrap-up) | no-answer | busy | failed (caller back to
  the head of the queue, staff set away) | connect-failed (we could not reach the provider; caller
  back to the head, staff stay available).
  Returns {result} where result is wrap-up | requeued | stale.
]]
local callKey = KEYS[1]
local prefix, now, callId, staffId, outcome = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local talkSeconds, wrapMs = tonumber(ARGV[6]), tonumber(ARGV[7])
-- @include "includes/staff"
-- @include "includes/calls"

local c = redis.call('HMGET', callKey, 'state', 'staff', 'team', 'answeredAt')
local state = c[1]
if c[2] ~= staffId or (state ~= 'connecting' and state ~= 'talking') then return {'stale'} end
local staffKey = prefix .. 'staff:' .. staffId

if outcome == 'answered' then
  local answeredAt = tonumber(c[4])
  if not talkSeconds then talkSeconds = answeredAt and math.floor((now - answeredAt) / 1000 + 0.5) or 0 end
  answeredAt = answeredAt or (now - talkSeconds * 1000)
  redis.call('HSET', callKey, 'state', 'talked', 'answeredAt', answeredAt, 'talkSeconds', talkSeconds)
  redis.call('ZREM', prefix .. 'connecting', callId)
  startWrapUp(prefix, staffKey, staffId, now, wrapMs)
  recordHandleTime(prefix, c[3], talkSeconds + wrapMs / 1000)
  return {'wrap-up'}
end

requeueAtHead(prefix, callKey, callId)
if outcome == 'connect-failed' then
  -- The provider took no connect, so no staff phone rang: the record counts rings, not attempts.
  redis.call('HINCRBY', callKey, 'ringAttempts', -1)
  becomeIdle(prefix, staffKey, staffId, tonumber(redis.call('HGET', staffKey, 'idleSince')) or now)
else
  noteRingNotAnswered(prefix, staffKey, staffId, now)
  redis.call('HSET', staffKey, 'activity', 'idle')
  redis.call('HDEL', staffKey, 'call')
  applyPresence(prefix, staffKey, staffId, 'away', now)
end
return {'requeued'}
