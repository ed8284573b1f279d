--[[
  One shard's upkeep in one round trip: connects whose lease ran out (the process that started
  them died before the provider reported back) put the caller back at the head and free the staff
  member; staff whose wrap-up is over become idle; then waiting callers are paired with free staff
  as dispatch does; and, when asked (limit > 0), callers gone silent are handed out to be checked
  with their provider (includes/silent), so the per-second sweep is one round trip per shard.
  KEYS[1] the shard's sequence key (routes the script to the shard's slot), KEYS[2] its heard sorted set
  ARGV  prefix, now, leaseMs, recheckMs, limit, team...
  Returns {} when there was nothing to do, else {callers put back, staff released, silent callers
  (n), pairings..., n × {callId, practice, provider, providerCallId}} with pairings flat as
  dispatch returns them.
]]
local prefix, now, leaseMs, recheckMs, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
-- @include "includes/staff"
-- @include "includes/calls"
-- @include "includes/dispatch"
-- @include "includes/silent"

local reaped = 0
local connecting = prefix .. 'connecting'
for _, callId in ipairs(redis.call('ZRANGEBYSCORE', connecting, '-inf', now)) do
  local callKey = prefix .. 'call:' .. callId
  local c = redis.call('HMGET', callKey, 'state', 'staff')
  if c[1] == 'connecting' then
    requeueAtHead(prefix, callKey, callId)
    local staffKey = prefix .. 'staff:' .. c[2]
    if redis.call('HGET', staffKey, 'call') == callId then
      becomeIdle(prefix, staffKey, c[2], tonumber(redis.call('HGET', staffKey, 'idleSince')) or now)
    end
    reaped = reaped + 1
  else
    redis.call('ZREM', connecting, callId)
  end
end

local released = 0
local wrapups = prefix .. 'wrapups'
for _, staffId in ipairs(redis.call('ZRANGEBYSCORE', wrapups, '-inf', now)) do
  redis.call('ZREM', wrapups, staffId)
  local staffKey = prefix .. 'staff:' .. staffId
  if redis.call('HGET', staffKey, 'activity') == 'wrap-up' then
    becomeIdle(prefix, staffKey, staffId, now)
    released = released + 1
  end
end

local out = dispatchTeams(prefix, now, leaseMs, {unpack(ARGV, 6)}, {reaped, released, 0})
-- After the pairing: a caller just paired is no longer waiting, so is not asked about.
local silent = limit > 0 and silentCalls(KEYS[2], prefix, now, recheckMs, limit) or {}
out[3] = #silent / 4
for _, v in ipairs(silent) do out[#out + 1] = v end
if #out == 3 and reaped == 0 and released == 0 then return {} end
return out
