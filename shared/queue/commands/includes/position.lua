-- What a waiting caller is told: position (1-based), queue length and the estimator's inputs, with
-- what it needs to know of those ahead: how many are call-backs (they never hang up) and when the
-- longest-waiting caller among them was queued ('' when none is): the earliest of the priority
-- callers at the head (ordered by their own arrival, ahead of everyone) and the first of the
-- others. One pass over those ahead.
-- `state` and `team` are the call hash's, already read by the caller of this function.
local function queueView(prefix, callId, state, team)
  if state ~= 'queued' then return {state, 0, 0, '', '0', 0, '', 0, ''} end
  local q = prefix .. 'q:' .. team
  local rank = redis.call('ZRANK', q, callId)
  local teamStats = redis.call('HMGET', prefix .. 'team:' .. team, 'aht', 'samples')
  local callbacks, since, othersSeen = 0, nil, false
  if rank and rank > 0 then
    local ahead = redis.call('ZRANGE', q, 0, rank - 1, 'WITHSCORES')
    for i = 1, #ahead, 2 do
      local member, score = ahead[i], tonumber(ahead[i + 1])
      if string.sub(member, 1, 3) == 'cb:' then
        callbacks = callbacks + 1
      elseif score < 0 or not othersSeen then
        local queuedAt = tonumber(redis.call('HGET', prefix .. 'call:' .. member, 'queuedAt'))
        if queuedAt and (not since or queuedAt < since) then since = queuedAt end
        if score >= 0 then othersSeen = true end
      end
    end
  end
  return {
    state,
    rank and (rank + 1) or 0,
    redis.call('ZCARD', q),
    teamStats[1] or '',
    teamStats[2] or '0',
    redis.call('SCARD', prefix .. 'on:' .. team),
    team,
    callbacks,
    since or '',
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
