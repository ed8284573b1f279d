--[[
  A call arrives: it exists from now on, in the IVR stage (greeting, menu, messages), before it
  joins any queue. A caller who hangs up here is recorded with outcome ivr (NHS CBT002).
  A repeated webhook for the same call changes nothing.
  KEYS[1] call hash
  ARGV  prefix, now, callId, practice, from, provider, providerCallId
  Returns {state}: ivr for a new call, else the state the call is already in.
]]
local callKey = KEYS[1]
local now = tonumber(ARGV[2])

if redis.call('EXISTS', callKey) == 0 then
  redis.call('HSET', callKey, 'state', 'ivr', 'practice', ARGV[4], 'from', ARGV[5], 'provider', ARGV[6],
    'providerCallId', ARGV[7], 'arrivedAt', now)
  return {'ivr'}
end
return {redis.call('HGET', callKey, 'state')}
