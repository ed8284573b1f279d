-- Callers waiting in the queue whose wait loop has gone silent (no webhook for longer than their
-- practice's silentAfterMs), and calls still in the IVR stage (menu, messages, the closed message) or
-- ended by a call-back request that long after they were last heard from: their final status
-- callback may have been lost with a dying instance. Each is handed out once per recheckMs, so
-- however many processes sweep, the provider is asked about a call at most that often. Entries of
-- calls no longer waiting are dropped. Returns {callId, practice, provider, providerCallId, ...}.
local function silentCalls(heardKey, prefix, now, recheckMs, limit)
  local silent = {}
  for _, callId in ipairs(redis.call('ZRANGEBYSCORE', heardKey, '-inf', now, 'LIMIT', 0, limit)) do
    local c = redis.call('HMGET', prefix .. 'call:' .. callId, 'state', 'practice', 'provider', 'providerCallId')
    if c[1] == 'queued' or c[1] == 'ivr' or c[1] == 'callback' then
      redis.call('ZADD', heardKey, now + recheckMs, callId)
      for _, v in ipairs({callId, c[2] or '', c[3] or '', c[4] or ''}) do silent[#silent + 1] = v end
    else
      redis.call('ZREM', heardKey, callId)
    end
  end
  return silent
end
