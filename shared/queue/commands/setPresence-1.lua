--[[
  A member of staff sets their presence; their teams come from the directory on every call so a
  reloaded directory takes effect at their next change.
  KEYS[1] staff hash
  ARGV  prefix, now, staffId, presence, teams (comma-separated)
  Returns {presence, activity}.
]]
local staffKey = KEYS[1]
local prefix, now, staffId, presence, teams = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
-- @include "includes/staff"

-- Leave the old teams' sets before adopting the new list.
if redis.call('HGET', staffKey, 'teams') ~= teams then
  applyPresence(prefix, staffKey, staffId, 'offline', now)
  redis.call('HSET', staffKey, 'teams', teams)
end
if not redis.call('HGET', staffKey, 'activity') then
  redis.call('HSET', staffKey, 'activity', 'idle', 'idleSince', now)
end
applyPresence(prefix, staffKey, staffId, presence, now)
return redis.call('HMGET', staffKey, 'presence', 'activity')
