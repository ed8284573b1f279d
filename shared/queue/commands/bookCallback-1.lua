--[[
  A call-back booked into a time window (by the caller on the phone, or by staff through the API).
  It joins the queue when its window opens. A caller who books leaves the live queue.
  KEYS[1] the call-back's hash
  ARGV  prefix, now, callbackId, team, practice, number, windowStart, windowEnd, origin callId ('' if none),
        retentionMs (the call-back hash's longest life), then the statistics' London zone
        (offsetBeforeMs, switchAtMs, offsetAfterMs) and statsTtlMs
  One booked by staff (no origin) counts as a call-back requested (CBT005) here, once; one a caller
  booked is counted when the caller's call ends, with its outcome callback-requested.
  Returns {result}: booked | duplicate.
]]
local cbKey = KEYS[1]
local prefix, now, callbackId, team, practice = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local origin = ARGV[9]
-- @include "includes/calls"
-- @include "includes/aggregate"

if redis.call('EXISTS', cbKey) == 1 then return {'duplicate'} end
local firstRingAt, queuedAt = now, ''
if origin ~= '' then
  local callKey = prefix .. 'call:' .. origin
  local c = redis.call('HMGET', callKey, 'state', 'team', 'arrivedAt', 'queuedAt')
  if c[1] == 'callback' then return {'duplicate'} end
  if c[1] == 'queued' then redis.call('ZREM', prefix .. 'q:' .. c[2], origin) end
  redis.call('HSET', callKey, 'state', 'callback', 'callback', callbackId)
  firstRingAt, queuedAt = c[3] or now, c[4] or ''
end
redis.call('HSET', cbKey, 'kind', 'callback', 'state', 'booked', 'team', team, 'practice', practice,
  'number', ARGV[6], 'windowStart', ARGV[7], 'windowEnd', ARGV[8], 'origin', origin, 'requestedAt', now,
  'firstRingAt', firstRingAt, 'queuedAt', queuedAt, 'attempts', 0)
boundLife(cbKey, tonumber(ARGV[10]) or 0)
redis.call('ZADD', prefix .. 'callbacks:' .. practice, now, callbackId)
if origin == '' then
  countCallBackBooked(prefix, practice, now, { tonumber(ARGV[11]), tonumber(ARGV[12]), tonumber(ARGV[13]) }, tonumber(ARGV[14]))
end
return {'booked'}
