-- What a waiting caller is told: position (1-based), queue length and the estimator's inputs.
local function queueView(prefix, callKey, callId)
  local state = redis.call('HGET', callKey, 'state')
  if state ~= 'queued' then return {state, 0, 0, '', '0', 0, ''} end
  local team = redis.call('HGET', callKey, 'team')
  local q = prefix .. 'q:' .. team
  local rank = redis.call('ZRANK', q, callId)
  local teamStats = redis.call('HMGET', prefix .. 'team:' .. team, 'aht', 'samples')
  return {
    state,
    rank and (rank + 1) or 0,
    redis.call('ZCARD', q),
    teamStats[1] or '',
    teamStats[2] or '0',
    redis.call('SCARD', prefix .. 'on:' .. team),
    team,
  }
end

-- The caller's wait loop was heard from: they count as silent (and their provider is asked whether
-- the call is over, see silentCalls-1) only once `silentAfterMs` passes without another webhook.
-- 0: not a caller on the line (a call-back holding a place), nothing to hear from.
local function heardFrom(prefix, callKey, callId, now, silentAfterMs)
  if silentAfterMs > 0 and redis.call('HGET', callKey, 'state') == 'queued' then
    redis.call('ZADD', prefix .. 'heard', now + silentAfterMs, callId)
  end
end
