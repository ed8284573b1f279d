--[[
  Swaps a finished practice-day's 15-minute counters for their compressed copy, only if nothing
  has changed since they were read (a late call, another process compacting the same day).
  KEYS[1] the day's counters (stats:q:<ods>:<day>)
  ARGV  compressed key (stats:qz:<ods>:<day>), the counters as read, the compressed copy as read
        ('' when there was none), the new compressed copy (counters + old copy), ttlMs
  Returns 1 when swapped, 0 when something changed (try again later).
]]
local zKey = ARGV[1]
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[2] or (redis.call('GET', zKey) or '') ~= ARGV[3] then return 0 end
redis.call('SET', zKey, ARGV[4], 'PX', ARGV[5])
redis.call('DEL', KEYS[1])
return 1
