--[[
  Remembers the number a waiting caller gave for a call-back, until they confirm it. Only a caller
  still in the queue has one: a keypad webhook for a call Redis does not know (never seen, or
  expired) or no longer waiting creates nothing, so no hash holding only a number is left behind.
  KEYS[1] call hash
  ARGV  prefix, number
  Returns {result}: set | stale.
]]
if redis.call('HGET', KEYS[1], 'state') ~= 'queued' then return {'stale'} end
redis.call('HSET', KEYS[1], 'pendingCallbackNumber', ARGV[2])
return {'set'}
