--[[
  The caller's call has ended (provider status callback). Exactly once it leaves the queue, frees
  or wraps up the staff member and writes the call record; repeats change nothing.
  KEYS[1] call hash
  ARGV  prefix, now, callId, practice, retentionMs, wrapMs, then the statistics' London zone
        (offsetBeforeMs, switchAtMs, offsetAfterMs) and statsTtlMs, then for the reports the
        practice's answerTargetSeconds (120 when '') and how long they keep figures (retentionMs when '')
  Returns {result, outcome, staffId, staffNext}: result ended | duplicate; staffNext idle | wrap-up | ''.
]]
local callKey = KEYS[1]
local prefix, now, callId, practice = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local retentionMs, wrapMs = tonumber(ARGV[5]), tonumber(ARGV[6])
local stats = { zone = { tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]) }, ttlMs = tonumber(ARGV[10]) }
local answerTargetSeconds = tonumber(ARGV[11]) or 120
local reportTtlMs = tonumber(ARGV[12]) or retentionMs
-- @include "includes/staff"
-- @include "includes/aggregate"
-- @include "includes/calls"

if redis.call('EXISTS', callKey) == 0 then
  -- The end arrived before (or instead of) the call itself: remember it so a late webhook for this
  -- call is told to hang up, and count it as a call that ended before joining a queue.
  redis.call('HSET', callKey, 'state', 'new', 'practice', practice, 'arrivedAt', now)
  writeRecord(prefix, callKey, callId, now, 'ivr', retentionMs, stats)
  return {'ended', 'ivr', '', ''}
end

local c = redis.call('HMGET', callKey, 'state', 'staff', 'team', 'answeredAt')
local state, staffId = c[1], c[2] or ''
if state == 'ended' then return {'duplicate', redis.call('HGET', callKey, 'outcome'), '', ''} end

local outcome, staffNext = 'abandoned', ''
local staffKey = prefix .. 'staff:' .. staffId
if state == 'ivr' then
  -- Hung up in the greeting or menu, or after a message, before joining any queue (NHS CBT002).
  outcome = 'ivr'
elseif state == 'queued' then
  leaveQueues(prefix, callKey, callId)
elseif state == 'connecting' then
  -- Hung up while a phone rang for them: the member of staff never took a call.
  becomeIdle(prefix, staffKey, staffId, tonumber(redis.call('HGET', staffKey, 'idleSince')) or now)
  staffNext = 'idle'
elseif state == 'talking' then
  outcome = 'answered'
  local talk = math.floor((now - tonumber(c[4])) / 1000 + 0.5)
  redis.call('HSET', callKey, 'talkSeconds', talk)
  if redis.call('HGET', staffKey, 'call') == callId then
    startWrapUp(prefix, staffKey, staffId, now, wrapMs)
    staffNext = 'wrap-up'
  end
  recordHandleTime(prefix, c[3], talk + wrapMs / 1000)
elseif state == 'talked' then
  outcome = 'answered'
elseif state == 'callback' then
  outcome = 'callback-requested' -- NHS CBT005: the call-back keeps the caller's place; this call is done
end
if redis.call('HGET', callKey, 'kind') == 'callback' then
  -- A call-back's staff leg is over. Its hash is its record (kept as long as the practice keeps
  -- records); one that reached the patient counts once as NHS CBT006, in the interval the call they
  -- asked on arrived in, with the time from their request to their answering the call-back.
  local cb = redis.call('HMGET', callKey, 'practice', 'firstRingAt', 'answeredAt', 'patientAnswered', 'requestedAt')
  if outcome == 'answered' and cb[4] then
    countCallBackMade(prefix, cb[1], tonumber(cb[2]), math.floor((tonumber(cb[3]) - tonumber(cb[5])) / 1000 + 0.5), stats.zone, stats.ttlMs)
    reportCallbackMade(prefix, staffId, tonumber(cb[3]), reportTtlMs)
  end
  redis.call('HSET', callKey, 'state', cb[4] and 'made' or 'failed', 'endedAt', now)
  redis.call('ZREM', prefix .. 'connecting', callId)
  redis.call('PEXPIRE', callKey, retentionMs)
  return {'ended', cb[4] and 'callback-made' or 'callback-failed', staffId, staffNext}
end
writeRecord(prefix, callKey, callId, now, outcome, retentionMs, stats)
reportCall(prefix, callId, reportTtlMs, answerTargetSeconds)
return {'ended', outcome, staffId, staffNext}
