--[[
  Staff whose wrap-up time is over become idle again (and take callers if available).
  KEYS[1] the shard's wrap-ups sorted set
  ARGV  prefix, now
  Returns the staff ids released.
]]
local prefix, now = ARGV[1], tonumber(ARGV[2])
-- @include "includes/staff"

local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for _, staffId in ipairs(due) do
  redis.call('ZREM', KEYS[1], staffId)
  local staffKey = prefix .. 'staff:' .. staffId
  if redis.call('HGET', staffKey, 'activity') == 'wrap-up' then
    becomeIdle(prefix, staffKey, staffId, now)
  end
end
return due
