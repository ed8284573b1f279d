-- Live screens learn of a change through pub/sub (shared/queue/changes.ts). A state-changing script
-- publishes its shard's key prefix on `<keyPrefix>changes` itself, in the same round trip, unless
-- its reply says nothing changed: an empty list (an idle sweep), 'stale' or 'duplicate'. The shard is
-- read from the script's first key (every script's keys are in one shard: that is how a Cluster
-- routes it), so no argument convention can break it after the script's writes.
local function publishChange(reply)
  if type(reply) == 'table' and (#reply == 0 or reply[1] == 'stale' or reply[1] == 'duplicate') then return end
  local prefix = string.match(KEYS[1] or '', '^(.-{[^{}]*}:)')
  if not prefix then return end
  redis.call('PUBLISH', string.match(prefix, '^(.*){[^{}]*}:$') .. 'changes', prefix)
end
