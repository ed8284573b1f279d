--[[
  A waiting caller asks to be called back. The call-back takes the caller's place in the queue
  (same sequence number, so everyone's position is unchanged) and the call itself can end.
  KEYS[1] the caller's call hash
  ARGV  prefix, now, callId, callbackId, number, retentionMs (the call-back hash's longest life)
  Returns {result, callbackId, position}: requested | duplicate | stale.
]]
local callKey = KEYS[1]
local prefix, now, callId, callbackId, number = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
-- @include "includes/calls"

local c = redis.call('HMGET', callKey, 'state', 'team', 'seq', 'practice', 'arrivedAt', 'queuedAt', 'provider', 'callback')
local state, team, seq = c[1], c[2], c[3]
local q = prefix .. 'q:' .. (team or '')
if state == 'callback' then
  local rank = redis.call('ZRANK', q, 'cb:' .. c[8])
  return {'duplicate', c[8], rank and rank + 1 or 0}
end
if state ~= 'queued' then return {'stale', '', 0} end

local member = 'cb:' .. callbackId
redis.call('HSET', prefix .. 'call:' .. member, 'kind', 'callback', 'state', 'queued', 'team', team, 'seq', seq,
  'practice', c[4], 'number', number, 'origin', callId, 'requestedAt', now, 'firstRingAt', c[5],
  'queuedAt', c[6], 'attempts', 0, 'provider', c[7])
boundLife(prefix .. 'call:' .. member, tonumber(ARGV[6]) or 0)
redis.call('ZREM', q, callId)
redis.call('ZADD', q, seq, member)
redis.call('HSET', callKey, 'state', 'callback', 'callback', callbackId)
redis.call('ZADD', prefix .. 'callbacks:' .. c[4], now, callbackId)
return {'requested', callbackId, redis.call('ZRANK', q, member) + 1}
