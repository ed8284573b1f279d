-- Staff state lives in the hash <prefix>staff:<id>: presence (available|away|offline, set by the
-- person) and activity (idle|ringing|on-call|wrap-up, set by calls), each with when it began
-- (presenceSince, activitySince). A member of staff can be given
-- a caller only when available and idle; the idle:<team> sorted sets hold exactly those, scored by
-- their priority for the team and then the time they became idle, so the first is the
-- longest-idle of those who serve the team first.
-- Every change is noted for the reports (noteStaffState); scripts that include this define `now`.
-- @include "includes/reports"

-- Each priority step outranks any idle time (epoch milliseconds stay below 1e13 until 2286).
local PRIORITY_STEP = 1e13

local function csvList(csv)
  local list = {}
  for item in string.gmatch(csv or '', '[^,]+') do list[#list + 1] = item end
  return list
end

local function staffTeams(staffKey)
  return csvList(redis.call('HGET', staffKey, 'teams'))
end

-- Team -> priority (1 is served first; teams without one are 1).
local function staffPriorities(staffKey)
  local teams = staffTeams(staffKey)
  local prios = csvList(redis.call('HGET', staffKey, 'priorities'))
  local byTeam = {}
  for i, team in ipairs(teams) do byTeam[team] = tonumber(prios[i]) or 1 end
  return byTeam
end

local function leaveIdleSets(prefix, staffKey, staffId)
  for _, team in ipairs(staffTeams(staffKey)) do
    redis.call('ZREM', prefix .. 'idle:' .. team, staffId)
  end
end

-- Activity becomes idle; if the person is available they join their teams' idle sets.
local function becomeIdle(prefix, staffKey, staffId, idleSince)
  redis.call('HSET', staffKey, 'activity', 'idle', 'idleSince', idleSince, 'activitySince', idleSince)
  redis.call('HDEL', staffKey, 'call', 'wrapUntil')
  if redis.call('HGET', staffKey, 'presence') == 'available' then
    for team, priority in pairs(staffPriorities(staffKey)) do
      redis.call('ZADD', prefix .. 'idle:' .. team, (priority - 1) * PRIORITY_STEP + idleSince, staffId)
    end
  end
  noteStaffState(prefix, staffKey, staffId, now)
end

local function startWrapUp(prefix, staffKey, staffId, now, wrapMs)
  local untilMs = now + wrapMs
  redis.call('HSET', staffKey, 'activity', 'wrap-up', 'wrapUntil', untilMs, 'activitySince', now)
  redis.call('HDEL', staffKey, 'call')
  redis.call('ZADD', prefix .. 'wrapups', untilMs, staffId)
  noteStaffState(prefix, staffKey, staffId, now)
end

-- The person's own choice. Staff count towards a team's capacity (on:<team>) while available,
-- on a call or not; only available and idle staff sit in the idle sets.
local function applyPresence(prefix, staffKey, staffId, presence, now)
  local before = redis.call('HGET', staffKey, 'presence')
  redis.call('HSET', staffKey, 'presence', presence)
  -- When the person's choice last changed: screens show time in state.
  if before ~= presence then redis.call('HSET', staffKey, 'presenceSince', now) end
  for _, team in ipairs(staffTeams(staffKey)) do
    if presence == 'available' then
      redis.call('SADD', prefix .. 'on:' .. team, staffId)
    else
      redis.call('SREM', prefix .. 'on:' .. team, staffId)
      redis.call('ZREM', prefix .. 'idle:' .. team, staffId)
    end
  end
  if presence == 'available' and before ~= 'available' and redis.call('HGET', staffKey, 'activity') == 'idle' then
    becomeIdle(prefix, staffKey, staffId, now)
  end
  noteStaffState(prefix, staffKey, staffId, now)
end
