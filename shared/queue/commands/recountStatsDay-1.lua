--[[
  Rebuilds one London day of a practice's statistics from its retained call records: zero the day,
  then count every record of a call that arrived that day, and the call-backs of that day (booked
  by staff: CBT005; made: CBT006), which are not call records.
  KEYS[1] the practice's record index (cdrs:<ods>)
  ARGV  prefix, practice, day (London day number), endedFrom, endedTo (ms; records that ended
        then are read), then the London zone (offsetBeforeMs, switchAtMs, offsetAfterMs), statsTtlMs
  Returns the number of calls counted (call-backs not included).
]]
local prefix, practice, day = ARGV[1], ARGV[2], tonumber(ARGV[3])
local zone = { tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]) }
local ttlMs = tonumber(ARGV[9])
-- @include "includes/aggregate"

clearStatsDay(prefix, practice, day)
local counted = 0
for _, callId in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[4], '(' .. ARGV[5])) do
  local r = redis.call('HMGET', prefix .. 'cdr:' .. callId, 'arrivedAt', 'outcome', 'waitSeconds', 'talkSeconds')
  local arrivedAt = tonumber(r[1])
  if arrivedAt and londonInterval(arrivedAt, zone) == day then
    countCall(prefix, practice, arrivedAt, r[2], tonumber(r[3]) or 0, tonumber(r[4]) or 0, zone, ttlMs)
    counted = counted + 1
  end
end
-- A call-back is asked for after its call arrives (requested ≥ firstRingAt), within the records' window.
recountCallBacks(prefix, practice, day, ARGV[4], ARGV[5], zone, ttlMs)
return counted
