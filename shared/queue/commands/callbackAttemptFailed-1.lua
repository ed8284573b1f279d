--[[
  The patient did not answer a call-back (no answer, busy or failed). The member of staff is free
  again at once; the call-back waits to be retried, or after the last attempt is marked failed and
  kept for staff to follow up.
  KEYS[1] the call-back's hash
  ARGV  prefix, now, callbackId, staffId, maxAttempts, retentionMs, reason
  Returns {result, attempts}: retry | failed | stale.
]]
local cbKey = KEYS[1]
local prefix, now, callbackId, staffId = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local maxAttempts, retentionMs, reason = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
-- @include "includes/staff"

local c = redis.call('HMGET', cbKey, 'state', 'staff')
if c[2] ~= staffId or (c[1] ~= 'connecting' and c[1] ~= 'talking') then return {'stale', 0} end
-- The attempt was counted when the patient was dialled (staffAnswered-1); one failed before that counts now.
local attempts = c[1] == 'connecting' and redis.call('HINCRBY', cbKey, 'attempts', 1) or tonumber(redis.call('HGET', cbKey, 'attempts'))
redis.call('HSET', cbKey, 'lastAttemptAt', now, 'lastResult', reason)
redis.call('HDEL', cbKey, 'staff', 'answeredAt')
redis.call('ZREM', prefix .. 'connecting', 'cb:' .. callbackId)
local staffKey = prefix .. 'staff:' .. staffId
if redis.call('HGET', staffKey, 'call') == 'cb:' .. callbackId then becomeIdle(prefix, staffKey, staffId, now) end
if attempts < maxAttempts then
  redis.call('HSET', cbKey, 'state', 'retry-wait')
  return {'retry', attempts}
end
redis.call('HSET', cbKey, 'state', 'failed', 'endedAt', now, 'failure', 'not-answered')
redis.call('PEXPIRE', cbKey, retentionMs)
return {'failed', attempts}
