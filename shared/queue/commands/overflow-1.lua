--[[
  Overflow rules: a waiting caller is also offered to another team of the PCN once they have
  waited afterMs, or while more than whenMoreThan callers are ahead of them. They stay in their own
  queue too, with the same sequence score, so they keep their place and their original wait; the
  first team with someone free takes them (dispatch removes them from every queue).
  KEYS[1] the shard's sequence key (routes the script to the shard's slot)
  ARGV  prefix, now, then per rule: team, afterMs (-1: none), whenMoreThan (-1: none), toTeam
  Returns a flat list {callId, toTeam, ...} of the offers made now.
]]
local prefix, now = ARGV[1], tonumber(ARGV[2])

local offered = {}
for i = 3, #ARGV, 4 do
  local team, afterMs, moreThan, to = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), ARGV[i + 3]
  local waiting = redis.call('ZRANGE', prefix .. 'q:' .. team, 0, -1, 'WITHSCORES')
  for k = 1, #waiting, 2 do
    local callId, score, ahead = waiting[k], waiting[k + 1], (k - 1) / 2
    local callKey = prefix .. 'call:' .. callId
    local due = moreThan >= 0 and ahead > moreThan
    if not due and afterMs >= 0 then
      local queuedAt = tonumber(redis.call('HGET', callKey, 'queuedAt'))
      due = queuedAt ~= nil and now - queuedAt >= afterMs
    end
    if due and not redis.call('ZSCORE', prefix .. 'q:' .. to, callId) then
      redis.call('ZADD', prefix .. 'q:' .. to, score, callId)
      local before = redis.call('HGET', callKey, 'overflowedTo')
      redis.call('HSET', callKey, 'overflowedTo', (before and before ~= '') and (before .. ',' .. to) or to)
      redis.call('HSETNX', callKey, 'overflowedAt', now)
      offered[#offered + 1] = callId
      offered[#offered + 1] = to
    end
  end
end
return offered
