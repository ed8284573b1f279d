--[[
  Recordings whose retention is over, claimed for deletion: each is moved leaseMs on in the same
  step, so no other process takes it meanwhile, and one whose deleter died is taken again later.
  KEYS[1] the shard's recordings by deletion time (recdue)
  ARGV  prefix, now, leaseMs, limit
  Returns the claimed call ids.
]]
local due = KEYS[1]
local now, leaseMs, limit = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local ids = redis.call('ZRANGEBYSCORE', due, '-inf', now, 'LIMIT', 0, limit)
for _, id in ipairs(ids) do redis.call('ZADD', due, 'XX', now + leaseMs, id) end
return ids
