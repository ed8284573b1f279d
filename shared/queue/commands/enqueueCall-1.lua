--[[
  A caller joins a team's queue, once: a repeated webhook for the same call returns where the
  caller already is. A call in the IVR stage moves on to the queue; a call never seen is created.
  KEYS[1] call hash
  ARGV  prefix, now, callId, team, practice, from, provider, providerCallId, priority (1 or 0), route,
        silentAfterMs (see includes/position heardFrom), leaseMs, retentionMs (the call hash's longest
        life, includes/calls boundLife), closuresOf (a practice's ODS code, or ''), team... to dispatch
  Given closuresOf, the practice's ad-hoc closures that have not ended (ended ones are deleted) refuse
  the step: nothing is written and {'closures', closure JSON...} comes back for the caller to judge.
  Most days a practice has none, so checking them costs the webhook no round trip of its own.
  Then, in the same step, dispatch as dispatch-1 does over the teams given (none: no dispatch), so
  nobody else can pair the new caller before this webhook has answered them (a provider cannot
  redirect a call whose first answer is still on its way).
  Returns {state, position, waiting, aht, samples, staffOn, team, callbacksAhead, aheadSince, pairings...} with the caller's view
  after the dispatch, and pairings flat as dispatch returns them.
]]
local callKey = KEYS[1]
local prefix, now, callId = ARGV[1], tonumber(ARGV[2]), ARGV[3]
-- Priority callers are ordered among themselves by arrival, all ahead of everyone else.
local PRIORITY_HEAD = 1e12
-- @include "includes/position"
-- @include "includes/staff"
-- @include "includes/calls"
-- @include "includes/dispatch"

if ARGV[14] ~= '' then
  local closuresKey = prefix .. 'closures:' .. ARGV[14]
  local open = {'closures'}
  for _, stored in ipairs(redis.call('HVALS', closuresKey)) do
    local closure = cjson.decode(stored)
    if tonumber(closure.to) > now then open[#open + 1] = stored else redis.call('HDEL', closuresKey, closure.id) end
  end
  if #open > 1 then return open end
end

local state = redis.call('HGET', callKey, 'state')
if not state or state == 'ivr' then
  -- The shard-wide sequence keeps arrival order exact even within one millisecond, and lets a
  -- caller keep their place when they move between the PCN's teams.
  local seq = redis.call('INCR', prefix .. 'seq')
  if ARGV[9] == '1' then seq = seq - PRIORITY_HEAD end
  redis.call('HSET', callKey, 'state', 'queued', 'team', ARGV[4], 'practice', ARGV[5], 'from', ARGV[6],
    'provider', ARGV[7], 'providerCallId', ARGV[8], 'queuedAt', now, 'seq', seq, 'priority', ARGV[9], 'route', ARGV[10])
  redis.call('HSETNX', callKey, 'arrivedAt', now)
  redis.call('ZADD', prefix .. 'q:' .. ARGV[4], seq, callId)
  boundLife(callKey, tonumber(ARGV[13]) or 0)
end
local joined = redis.call('HMGET', callKey, 'state', 'team')
heardFrom(prefix, callId, joined[1], now, tonumber(ARGV[11]) or 0)
local pairings = dispatchTeams(prefix, now, tonumber(ARGV[12]) or 0, {unpack(ARGV, 15)}, {})
-- Read again: the dispatch may have paired this caller.
local after = redis.call('HMGET', callKey, 'state', 'team')
local view = queueView(prefix, callId, after[1], after[2])
for _, v in ipairs(pairings) do view[#view + 1] = v end
return view
