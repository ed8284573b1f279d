--[[
  Pairs waiting callers with free staff: for each team in the order given, the caller who has
  waited longest goes to the staff member who has been idle longest, until one side runs out.
  Both are reserved here, atomically, so two service processes can never connect one caller twice.
  KEYS[1] the shard's sequence key (routes the script to the shard's slot)
  ARGV  prefix, now, leaseMs, team...
  Returns a flat list {callId, staffId, ...} of new pairings to connect.
]]
local prefix, now, leaseMs = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
-- @include "includes/staff"

local pairs_ = {}
for i = 4, #ARGV do
  local team = ARGV[i]
  local q, idle = prefix .. 'q:' .. team, prefix .. 'idle:' .. team
  while redis.call('ZCARD', q) > 0 and redis.call('ZCARD', idle) > 0 do
    local staffId = redis.call('ZRANGE', idle, 0, 0)[1]
    local staffKey = prefix .. 'staff:' .. staffId
    local st = redis.call('HMGET', staffKey, 'presence', 'activity')
    if st[1] ~= 'available' or st[2] ~= 'idle' then
      redis.call('ZREM', idle, staffId) -- stale entry; drop it and look again
    else
      local callId = redis.call('ZPOPMIN', q)[1]
      local callKey = prefix .. 'call:' .. callId
      if redis.call('HGET', callKey, 'state') == 'queued' then
        leaveIdleSets(prefix, staffKey, staffId)
        redis.call('HSET', staffKey, 'activity', 'ringing', 'call', callId)
        redis.call('HSET', callKey, 'state', 'connecting', 'staff', staffId)
        redis.call('HINCRBY', callKey, 'ringAttempts', 1)
        redis.call('ZADD', prefix .. 'connecting', now + leaseMs, callId)
        pairs_[#pairs_ + 1] = callId
        pairs_[#pairs_ + 1] = staffId
      end
    end
  end
end
return pairs_
