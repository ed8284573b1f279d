--[[
  Where a waiting caller stands now: one O(log n) rank look-up.
  KEYS[1] call hash
  ARGV  prefix, now, callId
  Returns {state, position, waiting, aht, samples, staffOn}; state is '' for an unknown call.
]]
local callKey = KEYS[1]
local prefix, callId = ARGV[1], ARGV[3]
-- @include "includes/position"

if redis.call('EXISTS', callKey) == 0 then return {'', 0, 0, '', '0', 0, ''} end
return queueView(prefix, callKey, callId)
