-- Management information (docs/reports.md): per member of staff and per team, per hour. Counted in
-- the same step that ends a call or changes a member of staff's state, so each call and each second
-- is counted once. Hours are UTC hours (London's offset is always whole hours, so each is exactly one
-- London hour; shared/reports/ labels them in London time): Lua needs no time zone. A key holds one
-- UTC day: 24 records of BITFIELD counters (u16 counts, then u32 sums), expiring as the practice's
-- call records do after the last thing counted in it.
-- The layout is shared with shared/reports/layout.ts: keep the two in step.
local MI_HOUR_MS = 3600000
local MI_DAY_MS = 86400000
-- Upper bounds (seconds, inclusive) of the duration bands the 90th percentiles are read from; then >1800.
local MI_BAND_UPPER = { 15, 30, 60, 90, 120, 180, 240, 300, 600, 900, 1800 }
local MI_STAFF = { counts = 15, bits = 15 * 16 + 5 * 32,
  answered = 0, callbacksMade = 1, ringsNotAnswered = 2, talkBand = 3,
  talkSum = 15, availableMs = 16, onCallMs = 17, wrapUpMs = 18, awayMs = 19 }
local MI_TEAM = { counts = 19, bits = 19 * 16 + 2 * 32,
  offered = 0, answered = 1, abandoned = 2, callbackRequested = 3, overflowedIn = 4, overflowedOut = 5,
  withinTarget = 6, waitBand = 7, waitSum = 19, signedInMs = 20 }
-- For a member of staff whose presence was set before retention was recorded on them.
local MI_DEFAULT_TTL_MS = 30 * MI_DAY_MS

local function miPush(list, ...)
  for _, v in ipairs({ ... }) do list[#list + 1] = v end
end

local function miBand(seconds)
  for i, upper in ipairs(MI_BAND_UPPER) do
    if seconds <= upper then return i - 1 end
  end
  return #MI_BAND_UPPER
end

-- Adds {field, amount, ...} to the record of the UTC hour holding `atMs`.
local function miAdd(prefix, kind, id, spec, atMs, ttlMs, increments)
  local key = prefix .. 'mi:' .. kind .. ':' .. id .. ':' .. math.floor(atMs / MI_DAY_MS)
  local base = (math.floor(atMs / MI_HOUR_MS) % 24) * spec.bits
  local ops = { 'OVERFLOW', 'SAT' }
  for i = 1, #increments, 2 do
    local field = increments[i]
    ops[#ops + 1] = 'INCRBY'
    if field < spec.counts then
      miPush(ops, 'u16', base + field * 16)
    else
      miPush(ops, 'u32', base + spec.counts * 16 + (field - spec.counts) * 32)
    end
    ops[#ops + 1] = increments[i + 1]
  end
  redis.call('BITFIELD', key, unpack(ops))
  redis.call('PEXPIRE', key, ttlMs)
end

-- What the person is doing, as the reports count time: a call outranks their presence.
local MI_STATE_FIELD = { available = MI_STAFF.availableMs, onCall = MI_STAFF.onCallMs, wrapUp = MI_STAFF.wrapUpMs, away = MI_STAFF.awayMs }
local function miStateOf(presence, activity)
  if activity == 'on-call' then return 'onCall' end
  if activity == 'wrap-up' then return 'wrapUp' end
  if presence == 'available' or presence == 'away' then return presence end
  return 'off'
end

-- Time spent in `state` from `since` to `untilMs`, hour by hour: to the person, and as time signed
-- in to each team they serve.
local function miAccrue(prefix, staffId, teams, state, since, untilMs, ttlMs)
  local field = MI_STATE_FIELD[state]
  if not field then return end
  local t = math.max(since, untilMs - ttlMs)
  while t < untilMs do
    local hourEnd = math.min((math.floor(t / MI_HOUR_MS) + 1) * MI_HOUR_MS, untilMs)
    miAdd(prefix, 's', staffId, MI_STAFF, t, ttlMs, { field, hourEnd - t })
    for team in string.gmatch(teams or '', '[^,]+') do
      miAdd(prefix, 't', team, MI_TEAM, t, ttlMs, { MI_TEAM.signedInMs, hourEnd - t })
    end
    t = hourEnd
  end
end

-- After any change to a member of staff's presence or activity: if what they are doing changed,
-- the time in the state they left is counted, and the new one starts now (miState, miSince).
local function noteStaffState(prefix, staffKey, staffId, now)
  local s = redis.call('HMGET', staffKey, 'presence', 'activity', 'miState', 'miSince', 'teams', 'miTtlMs')
  local state = miStateOf(s[1], s[2])
  if state == s[3] then return end
  if s[3] and s[4] then
    miAccrue(prefix, staffId, s[5], s[3], tonumber(s[4]), now, tonumber(s[6]) or MI_DEFAULT_TTL_MS)
  end
  redis.call('HSET', staffKey, 'miState', state, 'miSince', now)
end

-- A ring the member of staff did not answer (no answer, busy, or their phone failed).
local function noteRingNotAnswered(prefix, staffKey, staffId, now)
  local ttl = tonumber(redis.call('HGET', staffKey, 'miTtlMs')) or MI_DEFAULT_TTL_MS
  miAdd(prefix, 's', staffId, MI_STAFF, now, ttl, { MI_STAFF.ringsNotAnswered, 1 })
end

-- A call's record was just written (writeRecord): its team's figures by the hour the call arrived
-- (as the CBT counters), and the answering member of staff's by the hour they answered.
local function reportCall(prefix, callId, ttlMs, targetSeconds)
  local r = {}
  local flat = redis.call('HGETALL', prefix .. 'cdr:' .. callId)
  for i = 1, #flat, 2 do r[flat[i]] = flat[i + 1] end
  if (r.team or '') == '' then return end
  local arrivedAt = tonumber(r.arrivedAt)
  local wait, talk = tonumber(r.waitSeconds) or 0, tonumber(r.talkSeconds) or 0
  local inc = { MI_TEAM.offered, 1 }
  if r.outcome == 'answered' then
    miPush(inc, MI_TEAM.answered, 1, MI_TEAM.waitBand + miBand(wait), 1, MI_TEAM.waitSum, wait)
    if wait <= targetSeconds then miPush(inc, MI_TEAM.withinTarget, 1) end
    if (r.staff or '') ~= '' then
      miAdd(prefix, 's', r.staff, MI_STAFF, tonumber(r.answeredAt) or arrivedAt, ttlMs,
        { MI_STAFF.answered, 1, MI_STAFF.talkBand + miBand(talk), 1, MI_STAFF.talkSum, talk })
    end
  elseif r.outcome == 'abandoned' then
    miPush(inc, MI_TEAM.abandoned, 1)
  elseif r.outcome == 'callback-requested' then
    miPush(inc, MI_TEAM.callbackRequested, 1)
  end
  local out = 0
  for to in string.gmatch(r.overflowedTo or '', '[^,]+') do
    miAdd(prefix, 't', to, MI_TEAM, arrivedAt, ttlMs, { MI_TEAM.overflowedIn, 1 })
    out = out + 1
  end
  if out > 0 then miPush(inc, MI_TEAM.overflowedOut, out) end
  miAdd(prefix, 't', r.team, MI_TEAM, arrivedAt, ttlMs, inc)
end

-- A call-back reached the patient: made by `staffId`, in the hour the patient answered.
local function reportCallbackMade(prefix, staffId, answeredAt, ttlMs)
  if (staffId or '') == '' then return end
  miAdd(prefix, 's', staffId, MI_STAFF, answeredAt, ttlMs, { MI_STAFF.callbacksMade, 1 })
end
