-- Live screens learn of a change through pub/sub (shared/queue/changes.ts). A state-changing script
-- publishes its shard's key prefix on `<keyPrefix>changes` itself, in the same round trip, unless
-- its reply says nothing changed: an empty list (an idle sweep), 'stale' or 'duplicate'.
local function publishChange(prefix, reply)
  if type(reply) == 'table' and (#reply == 0 or reply[1] == 'stale' or reply[1] == 'duplicate') then return end
  redis.call('PUBLISH', string.match(prefix, '^(.*){[^{}]*}:$') .. 'changes', prefix)
end
