--[[
  One bounded slice of a call search (shared/calls/search.ts): reads at most maxRead of a
  practice's call records that ended in [endFrom, endTo), in end-time order from the cursor, and
  returns those that match. Read-only. The caller's number never leaves Redis: only its last three
  digits do.
  KEYS[1] the practice's record index (cdrs:<ods>)
  ARGV  prefix, endFrom, skip (records ending exactly at endFrom already read), endTo, maxRead,
        team ('' any: the call's team or a team it overflowed to), staff ('' any: who answered it),
        digits ('' any: the number ends with them), then arrival windows as pairs from, to (ms), in
        time order, not overlapping
  Returns {nextFrom, nextSkip, matches…}: nextFrom '' when the slice reached endTo; each match is
        11 fields: callId, arrivedAt, answeredAt, endedAt, team, overflowedTo, staff, outcome,
        waitSeconds, talkSeconds, last3 ('' when withheld)
]]
local prefix, endFrom, skip, endTo, maxRead = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local team, staff, digits = ARGV[6], ARGV[7], ARGV[8]
local windows = {}
for i = 9, #ARGV, 2 do windows[#windows + 1] = { tonumber(ARGV[i]), tonumber(ARGV[i + 1]) } end

-- Windows are in time order and do not overlap: the last one starting at or before `at` decides.
local function arrivedInWindow(at)
  local lo, hi = 1, #windows
  while lo < hi do
    local mid = math.floor((lo + hi + 1) / 2)
    if windows[mid][1] <= at then lo = mid else hi = mid - 1 end
  end
  return at >= windows[lo][1] and at < windows[lo][2]
end

local function ofTeam(callTeam, overflowedTo)
  if team == '' or callTeam == team then return true end
  for other in string.gmatch(overflowedTo or '', '[^,]+') do
    if other == team then return true end
  end
  return false
end

local entries = redis.call('ZRANGEBYSCORE', KEYS[1], endFrom, '(' .. endTo, 'WITHSCORES', 'LIMIT', skip, maxRead)
local out = { '', 0 }
local lastScore, sameScore = endFrom, skip
for i = 1, #entries, 2 do
  local callId, score = entries[i], entries[i + 1]
  if score == lastScore then sameScore = sameScore + 1 else lastScore, sameScore = score, 1 end
  local r = redis.call('HMGET', prefix .. 'cdr:' .. callId, 'arrivedAt', 'answeredAt', 'endedAt', 'team', 'overflowedTo', 'staff', 'outcome', 'waitSeconds', 'talkSeconds', 'from')
  local arrivedAt = tonumber(r[1])
  local match = arrivedAt and arrivedInWindow(arrivedAt) and ofTeam(r[4], r[5]) and (staff == '' or (r[7] == 'answered' and r[6] == staff))
  local number = ''
  if match then
    -- As maskNumber: fewer than four digits is no number (withheld, anonymous).
    number = string.gsub(r[10] or '', '%D', '')
    if #number < 4 then number = '' end
    match = digits == '' or (number ~= '' and string.sub(number, -#digits) == digits)
  end
  if match then
    local n = #out
    out[n + 1], out[n + 2], out[n + 3], out[n + 4] = callId, r[1], r[2] or '', r[3] or ''
    out[n + 5], out[n + 6], out[n + 7], out[n + 8] = r[4] or '', r[5] or '', r[6] or '', r[7] or ''
    out[n + 9], out[n + 10], out[n + 11] = r[8] or '0', r[9] or '0', string.sub(number, -3)
  end
end
if #entries == 2 * maxRead then out[1], out[2] = lastScore, sameScore end
return out
