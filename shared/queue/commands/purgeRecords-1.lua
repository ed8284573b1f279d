--[[
  Deletes a practice's call records (and what is left of their live call hashes) that ended before
  the cutoff: callers' numbers go; the statistics, counted when each call ended, stay.
  KEYS[1] the practice's record index (cdrs:<ods>)
  ARGV  prefix, cutoff (ms)
  Returns the number of records deleted.
]]
local prefix, cutoff = ARGV[1], ARGV[2]
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. cutoff)
for _, callId in ipairs(ids) do
  redis.call('DEL', prefix .. 'cdr:' .. callId, prefix .. 'call:' .. callId)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. cutoff)
return #ids
