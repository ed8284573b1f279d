--[[
  Ends a call-back that is not being made: cancelled by staff or the patient (from any state in
  which nobody is on the phone for it), or failed because its booked window closed first.
  KEYS[1] the call-back's hash
  ARGV  prefix, now, callbackId, to (cancelled | failed), reason, retentionMs
  Returns {result, state}: closed | stale (state is where it was).
]]
local cbKey = KEYS[1]
local prefix, now, callbackId, to, reason, retentionMs = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])

local c = redis.call('HMGET', cbKey, 'state', 'team')
local state = c[1]
local closable = state == 'queued' or state == 'booked' or state == 'retry-wait' or (to == 'cancelled' and state == 'failed')
if not closable then return {'stale', state or ''} end
redis.call('ZREM', prefix .. 'q:' .. c[2], 'cb:' .. callbackId)
redis.call('HSET', cbKey, 'state', to, 'endedAt', now, 'failure', reason)
redis.call('PEXPIRE', cbKey, retentionMs)
return {'closed', state}
