/**
 * Live screens learn of queue changes through Redis pub/sub, so every service process pushes the
 * same truth whichever process made the change. A script that changed a shard's state publishes
 * that shard's key prefix (`sb:{U12345}:`) on `<keyPrefix>changes` as its last step, in the same
 * round trip (commands/includes/changes.lua); the message is a notice only, and subscribers read
 * the state itself from Redis.
 */
export const changesChannel = (keyPrefix: string) => `${keyPrefix}changes`;

/**
 * Scripts that change nothing a screen shows: reads (a caller's position, a shard's snapshot for
 * /metrics), when a caller was last heard from, a number they gave, and the statistics'
 * upkeep (StatsStore); a search of the call records; and the recordings' index and its retention
 * (no screen shows a recording).
 */
const QUIET = new Set([
  'queuePosition', 'snapshot', 'setPendingCallbackNumber', 'compactStats', 'recountStatsDay', 'purgeRecords', 'countCallBackMade',
  'searchRecords', 'recordingEvent', 'claimDueRecordings', 'recordingDeleted',
]);

/** Whether a script publishes its changes; new scripts do by default (the sweep's stay silent when idle: empty reply). */
export function publishesChanges(name: string): boolean {
  return !QUIET.has(name);
}
