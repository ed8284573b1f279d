--[[
  The provider deleted a recording (or no longer had it): its index entry goes. One put on hold in
  the moment its deletion was under way keeps its entry, marked missing, for the practice to see.
  KEYS[1] the entry (hash rec:<callId>), KEYS[2] recdue
  ARGV  prefix, callId
  Returns {result}: deleted | held.
]]
if redis.call('HEXISTS', KEYS[1], 'heldAt') == 1 then
  redis.call('HSET', KEYS[1], 'status', 'missing')
  return {'held'}
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return {'deleted'}
