/**
 * Live screens learn of queue changes through Redis pub/sub, so every service process pushes the
 * same truth whichever process made the change. After a script that changed a shard's state,
 * CallQueue publishes that shard's key prefix (`sb:{U12345}:`) on `<keyPrefix>changes`; the
 * message is a notice only, and subscribers read the state itself from Redis.
 */
export const changesChannel = (keyPrefix: string) => `${keyPrefix}changes`;

/** Scripts that change nothing a screen shows (a caller's position read, when they were last heard from, a number they gave). */
const READ_ONLY = new Set(['queuePosition', 'silentCalls', 'setPendingCallbackNumber']);
/** First reply elements of scripts that found nothing to change. */
const UNCHANGED = new Set(['stale', 'duplicate']);

/**
 * Whether a script's reply means state changed. New scripts publish by default; the periodic
 * sweep's scripts reply with an empty list when there was nothing to do, which must stay silent.
 */
export function scriptChangedState(name: string, reply: unknown[]): boolean {
  if (READ_ONLY.has(name) || reply.length === 0) return false;
  return !UNCHANGED.has(String(reply[0]));
}
