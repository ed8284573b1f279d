import { createHash, randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { Cluster, Redis } from 'ioredis';
import type { AccessGrant } from '../../../shared/directory/types.js';
import { LiveHub } from '../../../shared/live/hub.js';
import { SnapshotReader } from '../../../shared/live/snapshot.js';
import { changesChannel } from '../../../shared/queue/changes.js';


declare module 'fastify' {
  interface FastifyInstance {
    live: {
      hub: LiveHub;
      /** A one-time ticket for opening a live socket, good for TICKET_SECONDS. */
      issueTicket: (grant: AccessGrant) => Promise<string>;
      /** The grant behind a ticket, once; undefined when unknown, used or expired. */
      redeemTicket: (ticket: string) => Promise<AccessGrant | undefined>;
    };
  }
}

export const TICKET_SECONDS = 30;
const PING_MS = 30_000;
/** Re-read every live scope this often even without changes, so the day's figures roll over at midnight. */
const REFRESH_MS = 60_000;

export interface LivePluginOptions {
  coalesceMs: number;
  /** Small-number suppression for figures-only (ICB) screens, as STATS_SUPPRESS_BELOW. */
  suppressBelow: number;
}

/**
 * Live screens: the WebSocket server, this process's fan-out hub, and a Redis subscriber for the
 * queue's change notices (shared/queue/changes.ts), so a change made by any process reaches every
 * process's screens. Tickets live in Redis so a socket may open on another process than the one
 * that issued its ticket.
 */
export default fp(async function live(app: FastifyInstance, opts: LivePluginOptions) {
  await app.register(websocket, { options: { maxPayload: 4096 } });
  const keyPrefix = app.queue.keyPrefix;
  const hub = new LiveHub({
    reader: new SnapshotReader(app.queue, app.directory),
    clock: app.clock,
    log: app.log,
    coalesceMs: opts.coalesceMs,
    suppressBelow: opts.suppressBelow,
    prefixOf: (shard) => app.queue.prefix(shard),
  });
  // Not on the webhook path, so it may queue commands until Redis answers (the service's own connection fails fast).
  const subscriber = app.redis.isCluster ? (app.redis as unknown as Cluster).duplicate(undefined, { enableOfflineQueue: true }) : (app.redis as Redis).duplicate({ enableOfflineQueue: true });
  app.redisOutage.watch(subscriber, 'live subscriber');
  subscriber.on('message', (_channel: string, prefix: string) => hub.changed(prefix));
  // After a reconnect Redis has forgotten the subscription (ioredis re-subscribes) and notices may
  // have been missed: re-read everything.
  subscriber.on('ready', () => hub.refreshAll());
  const subscribed = subscriber.subscribe(changesChannel(keyPrefix));
  // Wait for the subscription only while Redis answers: the service starts without it (and says so in /readyz).
  await Promise.race([subscribed, new Promise((resolve) => setTimeout(resolve, 2000).unref())]).catch((err: Error) => app.log.warn({ err: err.message }, 'live subscription failed'));

  const ticketKey = (ticket: string) => `${keyPrefix}ticket:${createHash('sha256').update(ticket).digest('hex')}`;
  app.decorate('live', {
    hub,
    issueTicket: async (grant: AccessGrant) => {
      const ticket = randomBytes(24).toString('base64url');
      await app.redis.set(ticketKey(ticket), JSON.stringify(grant), 'EX', TICKET_SECONDS);
      return ticket;
    },
    redeemTicket: async (ticket: string) => {
      const stored = await app.redis.getdel(ticketKey(ticket));
      return stored ? (JSON.parse(stored) as AccessGrant) : undefined;
    },
  });

  // Sockets whose peer vanished without closing are found by ping and dropped.
  const alive = new WeakSet<object>();
  const ping = setInterval(() => {
    for (const socket of app.websocketServer.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, PING_MS);
  app.websocketServer.on('connection', (socket) => {
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
  });
  const refresh = setInterval(() => hub.refreshAll(), REFRESH_MS);
  ping.unref();
  refresh.unref();

  app.addHook('onClose', async () => {
    clearInterval(ping);
    clearInterval(refresh);
    hub.close();
    subscriber.disconnect();
  });
}, { name: 'live', dependencies: ['callflow'] });
