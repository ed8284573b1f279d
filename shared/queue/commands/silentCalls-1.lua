--[[
  Callers waiting in the queue whose wait loop has gone silent (no webhook for longer than
  their practice's silentAfterMs), and calls still in the IVR stage (menu, messages, the closed
  message) or ended by a call-back request that long after they were last heard from: their final
  status callback may have been lost with a dying instance. Each is handed out once per recheckMs, so however many processes sweep, the provider is
  asked about a call at most that often. Entries of calls no longer waiting are dropped.
  KEYS[1] the shard's heard sorted set (call id by when it counts as silent)
  ARGV  prefix, now, recheckMs, limit
  Returns {callId, practice, provider, providerCallId, ...} of the silent callers.
]]
local prefix, now, recheckMs, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])

local silent = {}
for _, callId in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit)) do
  local c = redis.call('HMGET', prefix .. 'call:' .. callId, 'state', 'practice', 'provider', 'providerCallId')
  if c[1] == 'queued' or c[1] == 'ivr' or c[1] == 'callback' then
    redis.call('ZADD', KEYS[1], now + recheckMs, callId)
    for _, v in ipairs({callId, c[2] or '', c[3] or '', c[4] or ''}) do silent[#silent + 1] = v end
  else
    redis.call('ZREM', KEYS[1], callId)
  end
end
return silent
