--[[
  Pairs waiting callers with free staff: for each team in the order given, the caller who has
  waited longest goes to the free member of staff who serves that team first (lowest priority
  number) and, among those, has been idle longest; but nobody is given a caller while a team they
  serve at a higher priority has callers waiting. Both are reserved here, atomically, so two
  service processes can never connect one caller twice. A caller offered to several teams
  (overflow) leaves all their queues when paired.
  KEYS[1] the shard's sequence key (routes the script to the shard's slot)
  ARGV  prefix, now, leaseMs, team...
  Returns a flat list {callId, staffId, practice, provider, providerCallId, kind, arrivedAt, ...}
  of new pairings: everything needed to connect them, without another round trip.
]]
local prefix, now, leaseMs = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
-- @include "includes/staff"
-- @include "includes/calls"
-- @include "includes/dispatch"

return dispatchTeams(prefix, now, leaseMs, {unpack(ARGV, 4)}, {})
