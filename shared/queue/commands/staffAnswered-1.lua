--[[
  The staff member picked up: the caller is now talking to them. For a call-back this is when the
  patient is dialled: one more attempt to reach them (the first try counts as 1).
  KEYS[1] call hash
  ARGV  prefix, now, callId, staffId
  Returns {result}: talking | stale.
]]
local callKey = KEYS[1]
local prefix, now, callId, staffId = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
-- @include "includes/reports"

local c = redis.call('HMGET', callKey, 'state', 'staff')
if c[1] ~= 'connecting' or c[2] ~= staffId then return {'stale'} end
redis.call('HSET', callKey, 'state', 'talking', 'answeredAt', now)
if redis.call('HGET', callKey, 'kind') == 'callback' then redis.call('HINCRBY', callKey, 'attempts', 1) end
redis.call('ZREM', prefix .. 'connecting', callId)
local staffKey = prefix .. 'staff:' .. staffId
redis.call('HSET', staffKey, 'activity', 'on-call', 'activitySince', now)
noteStaffState(prefix, staffKey, staffId, now)
return {'talking'}
