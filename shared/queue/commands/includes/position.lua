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
