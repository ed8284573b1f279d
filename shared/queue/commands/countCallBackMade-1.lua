--[[
  A call-back (CBT005) was made and the caller answered: count CBT006 once.
  The hook for the call-back work (issue 4), which may instead include "includes/aggregate" in its
  own script and call countCallBackMade there.
  KEYS[1] a marker of this call-back having been counted (any key of the practice's shard)
  ARGV  prefix, practice, requestedCallArrivedAt (ms), answerSeconds, then the London zone
        (offsetBeforeMs, switchAtMs, offsetAfterMs) around requestedCallArrivedAt, statsTtlMs
  Returns 1 when counted, 0 when this call-back had been counted already.
]]
local prefix, practice = ARGV[1], ARGV[2]
local zone = { tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]) }
local ttlMs = tonumber(ARGV[8])
-- @include "includes/aggregate"

-- Repeats of the same report arrive within minutes; a week's memory is plenty.
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', 604800000) == false then return 0 end
countCallBackMade(prefix, practice, tonumber(ARGV[3]), tonumber(ARGV[4]), zone, ttlMs)
return 1
