--[[
  A member of staff sets their presence; their teams come from the directory on every call so a
  reloaded directory takes effect at their next change.
  KEYS[1] staff hash
  ARGV  prefix, now, staffId, presence, teams (comma-separated), priorities (comma-separated, one per team),
        reportTtlMs (how long the reports keep this person's figures; '' keeps what was set)
  Returns {presence, activity}.
]]
local staffKey = KEYS[1]
local prefix, now, staffId, presence, teams, priorities = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5], ARGV[6] or ''
-- @include "includes/staff"

if (ARGV[7] or '') ~= '' then redis.call('HSET', staffKey, 'miTtlMs', ARGV[7]) end

-- Leave the old teams' sets before adopting the new list.
local was = redis.call('HMGET', staffKey, 'teams', 'priorities')
if was[1] ~= teams or (was[2] or '') ~= priorities then
  applyPresence(prefix, staffKey, staffId, 'offline', now)
  redis.call('HSET', staffKey, 'teams', teams, 'priorities', priorities)
end
if not redis.call('HGET', staffKey, 'activity') then
  redis.call('HSET', staffKey, 'activity', 'idle', 'idleSince', now)
end
applyPresence(prefix, staffKey, staffId, presence, now)
return redis.call('HMGET', staffKey, 'presence', 'activity')
