-- A call's live state lives in the hash <prefix>call:<id>; its state moves
-- ivr -> queued -> connecting -> talking -> ended (or back to queued when staff do not answer).
-- A queued caller sits in their team's queue and in every queue they overflowed to (overflowedTo).

local function queuesOf(callKey)
  local c = redis.call('HMGET', callKey, 'team', 'overflowedTo')
  local teams = {c[1]}
  for team in string.gmatch(c[2] or '', '[^,]+') do teams[#teams + 1] = team end
  return teams
end

local function leaveQueues(prefix, callKey, callId)
  for _, team in ipairs(queuesOf(callKey)) do redis.call('ZREM', prefix .. 'q:' .. team, callId) end
  redis.call('ZREM', prefix .. 'heard', callId)
end

-- Every call key holds a caller's number: from its creation it may live at most the practice's
-- record retention, so nothing outlives retention even when the call's end is never reported.
local function boundLife(key, retentionMs)
  if retentionMs > 0 and redis.call('PTTL', key) == -1 then redis.call('PEXPIRE', key, retentionMs) end
end

-- Handle time (talk plus wrap-up) feeds the team's exponentially weighted average, which the
-- wait estimate is built from.
local function recordHandleTime(prefix, team, handleSeconds)
  local teamKey = prefix .. 'team:' .. team
  local aht = tonumber(redis.call('HGET', teamKey, 'aht'))
  if aht then
    aht = aht + 0.2 * (handleSeconds - aht)
  else
    aht = handleSeconds
  end
  redis.call('HSET', teamKey, 'aht', aht)
  redis.call('HINCRBY', teamKey, 'samples', 1)
end

-- Writes the call detail record once, when the call ends, and indexes it by practice and end time;
-- the statistics are counted in the same step (stats = {zone, ttlMs}, see includes/aggregate).
local function writeRecord(prefix, callKey, callId, now, outcome, retentionMs, stats)
  local c = {}
  local flat = redis.call('HGETALL', callKey)
  for i = 1, #flat, 2 do c[flat[i]] = flat[i + 1] end
  local queuedAt = tonumber(c.queuedAt)
  local answeredAt = tonumber(c.answeredAt)
  local waitEnd = answeredAt or now
  local wait = queuedAt and math.floor((waitEnd - queuedAt) / 1000 + 0.5) or 0
  local talk = answeredAt and math.floor((now - answeredAt) / 1000 + 0.5) or 0
  if c.talkSeconds then talk = tonumber(c.talkSeconds) end
  countCall(prefix, c.practice or '', tonumber(c.arrivedAt) or now, outcome, wait, talk, stats.zone, stats.ttlMs)
  local recordKey = prefix .. 'cdr:' .. callId
  redis.call('HSET', recordKey,
    'callId', callId, 'practice', c.practice or '', 'team', c.team or '', 'provider', c.provider or '',
    'from', c.from or '', 'arrivedAt', c.arrivedAt or now, 'queuedAt', c.queuedAt or '',
    'answeredAt', c.answeredAt or '', 'endedAt', now, 'waitSeconds', wait, 'talkSeconds', talk,
    'outcome', outcome, 'staff', c.staff or '', 'ringAttempts', c.ringAttempts or 0,
    'overflowedTo', c.overflowedTo or '', 'priority', c.priority or '', 'route', c.route or '', 'closed', c.closed or '',
    'adjusted', c.adjusted or '')
  redis.call('PEXPIRE', recordKey, retentionMs)
  local index = prefix .. 'cdrs:' .. (c.practice or '')
  redis.call('ZADD', index, now, callId)
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now - retentionMs)
  redis.call('HSET', callKey, 'state', 'ended', 'endedAt', now, 'outcome', outcome)
  redis.call('PEXPIRE', callKey, math.min(86400000, retentionMs))
  redis.call('ZREM', prefix .. 'connecting', callId)
  redis.call('ZREM', prefix .. 'heard', callId)
end

-- Back to the head of the queue (every queue they were offered to), in the place the caller first had.
local function requeueAtHead(prefix, callKey, callId)
  local seq = tonumber(redis.call('HGET', callKey, 'seq'))
  for _, team in ipairs(queuesOf(callKey)) do redis.call('ZADD', prefix .. 'q:' .. team, seq, callId) end
  redis.call('HSET', callKey, 'state', 'queued')
  redis.call('HDEL', callKey, 'staff')
  redis.call('ZREM', prefix .. 'connecting', callId)
end
