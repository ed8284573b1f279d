--[[
  A call's recording index entry (never the audio): what the provider said or staff did.
  KEYS[1] the entry (hash rec:<callId>), KEYS[2] the shard's recordings by deletion time (recdue)
  ARGV  prefix, event, now, callId, then per event:
        started  practice, provider, providerCallId, retentionMs, recordingId ('' when not known yet)
        paused | resumed   by (who asked); pause-failed | resume-failed: the provider did not do it, undone uncounted
        completed  recordingId, durationSeconds ('' when the provider does not say)
        ended      (the call is over and no provider callback will complete it: completed now, its length measured here)
        absent | missing   (the provider made no audio, or no longer has it)
        hold | release     by
  Returns {result, status}: result ok | stale (nothing changed) | none (no recording for this call).
]]
local key, due = KEYS[1], KEYS[2]
local event, now, callId = ARGV[2], tonumber(ARGV[3]), ARGV[4]

local function deleteAfter()
  local r = redis.call('HMGET', key, 'startedAt', 'retentionMs')
  return tonumber(r[1]) + tonumber(r[2])
end

if event == 'started' then
  if redis.call('EXISTS', key) == 0 then
    redis.call('HSET', key, 'callId', callId, 'practice', ARGV[5], 'provider', ARGV[6], 'providerCallId', ARGV[7],
      'retentionMs', ARGV[8], 'startedAt', now, 'status', 'recording', 'pauses', 0, 'pausedMs', 0)
    redis.call('ZADD', due, deleteAfter(), callId)
  end
  if ARGV[9] ~= '' then redis.call('HSET', key, 'recordingId', ARGV[9]) end
  return {'ok', redis.call('HGET', key, 'status')}
end

local status = redis.call('HGET', key, 'status')
if not status then return {'none', ''} end

local function closePause()
  local since = tonumber(redis.call('HGET', key, 'pausedAt'))
  if since then
    redis.call('HINCRBY', key, 'pausedMs', now - since)
    redis.call('HDEL', key, 'pausedAt')
  end
end

if event == 'paused' then
  if status ~= 'recording' then return {'stale', status} end
  redis.call('HSET', key, 'status', 'paused', 'pausedAt', now, 'lastPauseBy', ARGV[5])
  redis.call('HINCRBY', key, 'pauses', 1)
elseif event == 'resumed' then
  if status ~= 'paused' then return {'stale', status} end
  closePause()
  redis.call('HSET', key, 'status', 'recording')
elseif event == 'completed' or event == 'ended' then
  if status == 'completed' then return {'stale', status} end
  closePause()
  redis.call('HSET', key, 'status', 'completed', 'endedAt', now)
  if event == 'ended' then
    redis.call('HSET', key, 'durationSeconds', math.floor((now - tonumber(redis.call('HGET', key, 'startedAt'))) / 1000 + 0.5))
  else
    if ARGV[5] ~= '' then redis.call('HSET', key, 'recordingId', ARGV[5]) end
    if ARGV[6] ~= '' then redis.call('HSET', key, 'durationSeconds', ARGV[6]) end
  end
elseif event == 'pause-failed' then
  -- The provider did not pause: it is still recording, and no pause is counted.
  if status ~= 'paused' then return {'stale', status} end
  redis.call('HSET', key, 'status', 'recording')
  redis.call('HDEL', key, 'pausedAt')
  redis.call('HINCRBY', key, 'pauses', -1)
elseif event == 'resume-failed' then
  -- The provider did not resume: the same pause goes on (its time so far is already counted).
  if status ~= 'recording' then return {'stale', status} end
  redis.call('HSET', key, 'status', 'paused', 'pausedAt', now)
elseif event == 'absent' or event == 'missing' then
  -- Missing is what a finished recording becomes when the provider no longer has it, never a live one.
  if event == 'missing' and status ~= 'completed' and status ~= 'missing' then return {'stale', status} end
  closePause()
  redis.call('HSET', key, 'status', event)
elseif event == 'hold' then
  if redis.call('HEXISTS', key, 'heldAt') == 1 then return {'stale', status} end
  redis.call('HSET', key, 'heldAt', now, 'heldBy', ARGV[5])
  redis.call('ZREM', due, callId)
elseif event == 'release' then
  if redis.call('HEXISTS', key, 'heldAt') == 0 then return {'stale', status} end
  redis.call('HDEL', key, 'heldAt', 'heldBy')
  -- Past its retention already: deleted at the next run.
  redis.call('ZADD', due, math.max(deleteAfter(), now), callId)
else
  return redis.error_reply('unknown recording event ' .. event)
end
return {'ok', redis.call('HGET', key, 'status')}
