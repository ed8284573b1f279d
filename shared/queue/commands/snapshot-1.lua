--[[
  A read-only picture of a shard for monitoring: per team, callers waiting and when the longest
  waiting caller arrived; per member of staff, presence and activity. One round trip per shard.
  KEYS[1] the shard's arrival counter (any key of the shard's slot would do)
  ARGV  prefix, number of teams, team..., staffId...
  Returns {waiting, oldestArrivedAt or '', ... per team, presence, activity, ... per staff}
]]
local prefix, teamCount = ARGV[1], tonumber(ARGV[2])
local out = {}
for i = 3, 2 + teamCount do
  local queue = prefix .. 'q:' .. ARGV[i]
  local head = redis.call('ZRANGE', queue, 0, 0)
  local oldest = ''
  if head[1] then oldest = redis.call('HGET', prefix .. 'call:' .. head[1], 'arrivedAt') or '' end
  out[#out + 1] = redis.call('ZCARD', queue)
  out[#out + 1] = oldest
end
for i = 3 + teamCount, #ARGV do
  local s = redis.call('HMGET', prefix .. 'staff:' .. ARGV[i], 'presence', 'activity')
  out[#out + 1] = s[1] or 'offline'
  out[#out + 1] = s[2] or 'idle'
end
return out
