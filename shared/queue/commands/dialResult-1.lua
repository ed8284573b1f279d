--[[
  The staff leg of a connect attempt has ended.
  KEYS[1] call hash
  ARGV  prefix, now, callId, staffId, outcome, talkSeconds, wrapMs[, leaseMs, silentAfterMs, team...]
  talkSeconds '' means the provider does not report it: it is measured from the recorded answer.
  With teams, a caller put back is paired in the same step (as dispatch-1 over those teams) and,
  if still waiting, heard from (includes/position): the webhook needs no second round trip.
  outcome: answered (they spoke; staff go to wrap-up) | no-answer | busy | failed (caller back to
  the head of the queue, staff set away) | connect-failed (we could not reach the provider; caller
  back to the head, staff stay available).
  Returns {result} where result is wrap-up | requeued | stale; with teams, requeued is followed by
  the caller's view (as queuePosition-1) and the pairings (as dispatch-1).
]]
local callKey = KEYS[1]
local prefix, now, callId, staffId, outcome = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local talkSeconds, wrapMs = tonumber(ARGV[6]), tonumber(ARGV[7])
-- @include "includes/position"
-- @include "includes/staff"
-- @include "includes/calls"
-- @include "includes/dispatch"

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
if not ARGV[8] then return {'requeued'} end
local pairings = dispatchTeams(prefix, now, tonumber(ARGV[8]), {unpack(ARGV, 10)}, {})
local after = redis.call('HMGET', callKey, 'state', 'team')
heardFrom(prefix, callId, after[1], now, tonumber(ARGV[9]) or 0)
local reply = queueView(prefix, callId, after[1], after[2])
table.insert(reply, 1, 'requeued')
for _, v in ipairs(pairings) do reply[#reply + 1] = v end
return reply
