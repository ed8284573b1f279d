-- Statistics counters (docs/statistics.md): every call is counted once, in the same script that
-- writes its record, against the practice the caller rang and the London 15-minute interval it
-- arrived in. Each practice-day is one string of BITFIELD counters (96 intervals x 72 bytes),
-- compressed once the day is over (stats:qz:, shared/stats/store.ts), and each block of 32 London
-- days one more string (32 days x 72 bytes) so long ranges read little.
-- The field layout is shared with shared/stats/layout.ts: keep the two in step.
local STATS_COUNTS = 28 -- fields 0..27 are u16 counts; 28..31 u32 sums of seconds
local STATS_RECORD_BITS = 576
local STATS = { inbound = 0, ivr = 1, answered = 2, missed = 3, callBackRequested = 4, callBackMade = 5,
  answeredWait = 6, missedWait = 15, duration = 24,
  answeredWaitSum = 28, missedWaitSum = 29, talkSum = 30, callBackAnswerSum = 31 }
-- The outcome a call record carries -> its one CBT outcome measure.
local STATS_OUTCOME = { ivr = STATS.ivr, answered = STATS.answered, abandoned = STATS.missed,
  ['callback-requested'] = STATS.callBackRequested }
local WAIT_BUCKET_UPPER = { 0, 30, 60, 90, 120, 180, 240, 300 } -- then >300: 9 buckets
local DURATION_BUCKET_UPPER = { 60, 120, 300 } -- then >300: 4 buckets

local function bucketOf(seconds, uppers)
  for i, upper in ipairs(uppers) do
    if seconds <= upper then return i - 1 end
  end
  return #uppers
end

local function statsBit(field)
  if field < STATS_COUNTS then return field * 16 end
  return STATS_COUNTS * 16 + (field - STATS_COUNTS) * 32
end

-- zone = {offsetBeforeMs, switchAtMs, offsetAfterMs}: London's UTC offset around the instant,
-- worked out in TypeScript (Lua knows no time zones).
local function londonInterval(ms, zone)
  local offset = ms < zone[2] and zone[1] or zone[3]
  local localMs = ms + offset
  local day = math.floor(localMs / 86400000)
  return day, math.floor((localMs - day * 86400000) / 900000)
end

local function statsKeys(prefix, practice, day)
  return prefix .. 'stats:q:' .. practice .. ':' .. day, prefix .. 'stats:d:' .. practice .. ':' .. math.floor(day / 32)
end

-- Adds {field, amount, ...} to the practice's interval and day counters for instant `atMs`.
local function addStats(prefix, practice, atMs, zone, ttlMs, increments)
  local day, interval = londonInterval(atMs, zone)
  local intervalKey, daysKey = statsKeys(prefix, practice, day)
  local targets = { { intervalKey, interval * STATS_RECORD_BITS }, { daysKey, (day % 32) * STATS_RECORD_BITS } }
  for _, target in ipairs(targets) do
    local ops = { 'OVERFLOW', 'SAT' }
    for i = 1, #increments, 2 do
      local field = increments[i]
      ops[#ops + 1] = 'INCRBY'
      ops[#ops + 1] = field < STATS_COUNTS and 'u16' or 'u32'
      ops[#ops + 1] = target[2] + statsBit(field)
      ops[#ops + 1] = increments[i + 1]
    end
    redis.call('BITFIELD', target[1], unpack(ops))
    redis.call('PEXPIRE', target[1], ttlMs)
  end
end

-- One ended call: CBT001 and its one outcome, with wait and duration bands.
local function countCall(prefix, practice, arrivedAt, outcome, waitSeconds, talkSeconds, zone, ttlMs)
  local measure = STATS_OUTCOME[outcome]
  local inc = { STATS.inbound, 1 }
  if measure then
    inc[3], inc[4] = measure, 1
  else
    -- A new outcome nobody mapped: still an inbound call; CBT001 > 002+003+004+005 shows the gap.
    redis.log(redis.LOG_WARNING, 'no statistics measure for call outcome ' .. tostring(outcome))
  end
  if measure == STATS.answered then
    for _, v in ipairs({ STATS.answeredWait + bucketOf(waitSeconds, WAIT_BUCKET_UPPER), 1,
      STATS.duration + bucketOf(talkSeconds, DURATION_BUCKET_UPPER), 1,
      STATS.answeredWaitSum, waitSeconds, STATS.talkSum, talkSeconds }) do inc[#inc + 1] = v end
  elseif measure == STATS.missed then
    for _, v in ipairs({ STATS.missedWait + bucketOf(waitSeconds, WAIT_BUCKET_UPPER), 1,
      STATS.missedWaitSum, waitSeconds }) do inc[#inc + 1] = v end
  end
  addStats(prefix, practice, arrivedAt, zone, ttlMs, inc)
end

-- The hook for call-backs: CBT006, counted against the interval the original call
-- arrived in (so "% of call-backs made" compares like with like), with the seconds from the
-- call-back request to the caller answering. CBT005 needs no hook: it is the call's outcome
-- 'callback-requested', counted by countCall when the call record is written.
local function countCallBackMade(prefix, practice, requestedCallArrivedAt, answerSeconds, zone, ttlMs)
  addStats(prefix, practice, requestedCallArrivedAt, zone, ttlMs,
    { STATS.callBackMade, 1, STATS.callBackAnswerSum, answerSeconds })
end

-- A call-back booked by staff (no call it was asked on) is a request too: CBT005, counted when it is
-- booked, against the interval it was booked in (its firstRingAt, which CBT006 is counted against).
-- It is no inbound call, so CBT001 does not count it.
local function countCallBackBooked(prefix, practice, bookedAt, zone, ttlMs)
  addStats(prefix, practice, bookedAt, zone, ttlMs, { STATS.callBackRequested, 1 })
end

-- Recounts one London day's call-backs from their hashes (kept as long as call records): those
-- booked by staff (CBT005) and those made (CBT006), each against its firstRingAt.
local function recountCallBacks(prefix, practice, day, requestedFrom, requestedTo, zone, ttlMs)
  local counted = 0
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', prefix .. 'callbacks:' .. practice, requestedFrom, '(' .. requestedTo)) do
    local cb = redis.call('HMGET', prefix .. 'call:cb:' .. id, 'firstRingAt', 'origin', 'state', 'answeredAt', 'requestedAt')
    local firstRingAt = tonumber(cb[1])
    if firstRingAt and londonInterval(firstRingAt, zone) == day then
      if cb[2] == '' then countCallBackBooked(prefix, practice, firstRingAt, zone, ttlMs) end
      if cb[3] == 'made' then
        countCallBackMade(prefix, practice, firstRingAt, math.floor((tonumber(cb[4]) - tonumber(cb[5])) / 1000 + 0.5), zone, ttlMs)
      end
      counted = counted + 1
    end
  end
  return counted
end

-- Zeroes one London day of a practice's counters (before recounting it from call records).
local function clearStatsDay(prefix, practice, day)
  local intervalKey, daysKey = statsKeys(prefix, practice, day)
  redis.call('DEL', intervalKey, prefix .. 'stats:qz:' .. practice .. ':' .. day)
  if redis.call('EXISTS', daysKey) == 0 then return end
  local ops = {}
  for bit = 0, STATS_RECORD_BITS - 64, 64 do
    for _, v in ipairs({ 'SET', 'i64', (day % 32) * STATS_RECORD_BITS + bit, 0 }) do ops[#ops + 1] = v end
  end
  redis.call('BITFIELD', daysKey, unpack(ops))
end
