-- Pairing waiting callers with free staff (used by dispatch and sweepShard; needs staff and calls).

-- True when a team this person serves before `team` has callers waiting.
local function neededFirstElsewhere(prefix, staffKey, team)
  local priorities = staffPriorities(staffKey)
  local mine = priorities[team] or 1
  for other, priority in pairs(priorities) do
    if priority < mine and redis.call('ZCARD', prefix .. 'q:' .. other) > 0 then return true end
  end
  return false
end

-- For each team in order, the longest-waiting caller goes to the free member of staff who serves
-- that team first and has been idle longest. Appends {callId, staffId, practice, provider,
-- providerCallId, kind, arrivedAt} per pairing to `out`.
local function dispatchTeams(prefix, now, leaseMs, teams, out)
  for _, team in ipairs(teams) do
    local q, idle = prefix .. 'q:' .. team, prefix .. 'idle:' .. team
    local candidates = redis.call('ZRANGE', idle, 0, -1)
    local c = 1
    while c <= #candidates and redis.call('ZCARD', q) > 0 do
      local staffId = candidates[c]
      local staffKey = prefix .. 'staff:' .. staffId
      local st = redis.call('HMGET', staffKey, 'presence', 'activity')
      if st[1] ~= 'available' or st[2] ~= 'idle' then
        redis.call('ZREM', idle, staffId) -- stale entry; drop it and look at the next
        c = c + 1
      elseif neededFirstElsewhere(prefix, staffKey, team) then
        c = c + 1
      else
        local callId = redis.call('ZPOPMIN', q)[1]
        local callKey = prefix .. 'call:' .. callId
        -- A stale queue entry is dropped and the same person considered for the next caller.
        if redis.call('HGET', callKey, 'state') == 'queued' then
          leaveQueues(prefix, callKey, callId)
          leaveIdleSets(prefix, staffKey, staffId)
          redis.call('HSET', staffKey, 'activity', 'ringing', 'call', callId, 'activitySince', now)
          redis.call('HSET', callKey, 'state', 'connecting', 'staff', staffId, 'servedBy', team)
          redis.call('HINCRBY', callKey, 'ringAttempts', 1)
          redis.call('ZADD', prefix .. 'connecting', now + leaseMs, callId)
          local reach = redis.call('HMGET', callKey, 'practice', 'provider', 'providerCallId', 'kind', 'arrivedAt')
          for _, v in ipairs({callId, staffId, reach[1] or '', reach[2] or '', reach[3] or '', reach[4] or 'call', reach[5] or now}) do
            out[#out + 1] = v
          end
          c = c + 1
        end
      end
    end
  end
  return out
end
