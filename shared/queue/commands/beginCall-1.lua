--[[
  A call arrives: it exists from now on, in the IVR stage (greeting, menu, messages), before it
  joins any queue. A caller who hangs up here is recorded with outcome ivr (NHS CBT002).
  A repeated webhook for the same call changes nothing.
  A call whose final status webhook is lost here (in the menu, or after the closed message) must
  still end: it is listened for in `heard` like a waiting caller (includes/silent, run by the sweep), and its hash
  lives at most retentionMs.
  KEYS[1] call hash
  ARGV  prefix, now, callId, practice, from, provider, providerCallId, silentAfterMs (0: not listened for), retentionMs
  Returns {state, closure...}: state ivr for a new call, else the state the call is already in; then
  the practice's ad-hoc closures as stored (shared/queue/closures.ts), which the greeting needs
  next: one round trip for both.
]]
local callKey = KEYS[1]
local prefix, now, callId = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local silentAfterMs = tonumber(ARGV[8]) or 0
-- @include "includes/calls"

if redis.call('EXISTS', callKey) == 0 then
  redis.call('HSET', callKey, 'state', 'ivr', 'practice', ARGV[4], 'from', ARGV[5], 'provider', ARGV[6],
    'providerCallId', ARGV[7], 'arrivedAt', now)
  boundLife(callKey, tonumber(ARGV[9]) or 0)
  if silentAfterMs > 0 then redis.call('ZADD', prefix .. 'heard', now + silentAfterMs, callId) end
end
local reply = redis.call('HVALS', prefix .. 'closures:' .. ARGV[4])
table.insert(reply, 1, redis.call('HGET', callKey, 'state'))
return reply
