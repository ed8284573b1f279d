--[[
  A connect whose lease ran out (the process that started it died before the provider reported
  back) returns the caller to the head of the queue and frees the member of staff.
  KEYS[1] the shard's connecting sorted set
  ARGV  prefix, now
  Returns the call ids put back.
]]
local prefix, now = ARGV[1], tonumber(ARGV[2])
-- @include "includes/staff"
-- @include "includes/calls"

local stale = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for _, callId in ipairs(stale) do
  local callKey = prefix .. 'call:' .. callId
  local c = redis.call('HMGET', callKey, 'state', 'staff')
  if c[1] == 'connecting' then
    requeueAtHead(prefix, callKey, callId)
    local staffKey = prefix .. 'staff:' .. c[2]
    if redis.call('HGET', staffKey, 'call') == callId then
      becomeIdle(prefix, staffKey, c[2], tonumber(redis.call('HGET', staffKey, 'idleSince')) or now)
    end
  else
    redis.call('ZREM', KEYS[1], callId)
  end
end
return stale
