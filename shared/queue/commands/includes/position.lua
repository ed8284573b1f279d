-- What a waiting caller is told: position (1-based), queue length and the estimator's inputs.
-- `state` and `team` are the call hash's, already read by the caller of this function.
local function queueView(prefix, callId, state, team)
  if state ~= 'queued' then return {state, 0, 0, '', '0', 0, ''} end
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
-- the call is over, see includes/silent) only once `silentAfterMs` passes without another webhook.
-- 0: not a caller on the line (a call-back holding a place), nothing to hear from.
local function heardFrom(prefix, callId, state, now, silentAfterMs)
  if silentAfterMs > 0 and state == 'queued' then
    redis.call('ZADD', prefix .. 'heard', now + silentAfterMs, callId)
  end
end
