--[[
  A member of staff sets their presence; their teams come from the directory on every call so a
  reloaded directory takes effect at their next change.
  With endWrapUp '1' the person also ends their wrap-up early (ready for the next caller): only
  while in wrap-up, else nothing changes and the reply's third field is 'not-in-wrap-up'.
  KEYS[1] staff hash
  ARGV  prefix, now, staffId, presence, teams (comma-separated), priorities (comma-separated, one per team),
        reportTtlMs (how long the reports keep this person's figures; '' keeps what was set), endWrapUp
  Returns {presence, activity[, 'not-in-wrap-up']}.
]]
local staffKey = KEYS[1]
local prefix, now, staffId, presence, teams, priorities, endWrapUp = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5], ARGV[6] or '', ARGV[8] == '1'
-- @include "includes/staff"

if (ARGV[7] or '') ~= '' then redis.call('HSET', staffKey, 'miTtlMs', ARGV[7]) end
if endWrapUp then
  if redis.call('HGET', staffKey, 'activity') ~= 'wrap-up' then
    local st = redis.call('HMGET', staffKey, 'presence', 'activity')
    return {st[1] or 'offline', st[2] or 'idle', 'not-in-wrap-up'}
  end
  redis.call('ZREM', prefix .. 'wrapups', staffId)
  becomeIdle(prefix, staffKey, staffId, now)
end

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
