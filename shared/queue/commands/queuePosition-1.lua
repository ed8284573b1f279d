--[[
  Where a waiting caller stands now: one O(log n) rank look-up and one pass over the places ahead
  (includes/position); the caller's wait loop is heard from.
  KEYS[1] call hash
  ARGV  prefix, now, callId, silentAfterMs (0 for a call-back's place)
  Returns {state, position, waiting, aht, samples, staffOn, team, callbacksAhead, aheadSince}; state is '' for an unknown call.
]]
local callKey = KEYS[1]
local prefix, now, callId = ARGV[1], tonumber(ARGV[2]), ARGV[3]
-- @include "includes/position"

-- One read of the call: no state means Redis has never heard of it (state '', not waiting).
local call = redis.call('HMGET', callKey, 'state', 'team')
local state = call[1] or ''
heardFrom(prefix, callId, state, now, tonumber(ARGV[4]) or 0)
return queueView(prefix, callId, state, call[2])
