import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Provider webhooks live under /v1/<provider>/; their route label is the path after it. */
const PROVIDER_ROUTE = /^\/v1\/(twilio|jambonz|vonage)(\/.*)$/;
const STAFF_STATES = ['available', 'away', 'offline'].flatMap((presence) => ['idle', 'ringing', 'on-call', 'wrap-up'].map((activity) => ({ presence, activity })));

const metricsResponse = { 200: { type: 'string', description: 'Prometheus text exposition format 0.0.4' } };

/**
 * Prometheus metrics at /metrics: HTTP and webhook latency by route, Redis script latency, the
 * event loop and process (prom-client defaults), and — read from Redis at scrape time, so any
 * instance reports the whole truth — callers waiting, the longest wait per team and staff by state.
 * The registry is the app's own, so several apps in one process (tests) do not collide.
 */
export default fp(async function metrics(app: FastifyInstance) {
  const register = new Registry();
  collectDefaultMetrics({ register, prefix: 'switchboard_' });

  const webhooks = new Histogram({
    name: 'switchboard_webhook_duration_seconds',
    help: 'Provider webhooks answered, by provider, route and HTTP status',
    labelNames: ['provider', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [register],
  });
  const requests = new Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'Other HTTP requests (staff, practice, PCN and ICB APIs), by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [register],
  });
  const redisCommands = new Histogram({
    name: 'switchboard_redis_command_duration_seconds',
    help: 'Queue scripts run on Redis, by script and result',
    labelNames: ['command', 'result'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [register],
  });
  new Gauge({ name: 'switchboard_redis_up', help: '1 when this instance\'s Redis connection is ready', registers: [register], collect() {
    this.set(app.redis.status === 'ready' ? 1 : 0);
  } });
  const scrapeErrors = new Counter({ name: 'switchboard_metrics_queue_read_errors_total', help: 'Scrapes whose queue figures could not be read from Redis', registers: [register] });
  // A PCN-wide team's queue belongs to no one practice: its series have practice="" and its PCN in pcn.
  const waiting = new Gauge({ name: 'switchboard_callers_waiting', help: 'Callers waiting in each team\'s queue (PCN-wide teams with practice="")', labelNames: ['pcn', 'practice', 'team'], registers: [register] });
  const longestWait = new Gauge({ name: 'switchboard_longest_wait_seconds', help: 'How long the longest-waiting caller of each team has waited (0 when nobody waits)', labelNames: ['pcn', 'practice', 'team'], registers: [register] });
  const staff = new Gauge({ name: 'switchboard_staff', help: 'Staff by presence (their choice) and activity (what calls make them)', labelNames: ['practice', 'presence', 'activity'], registers: [register] });

  app.decorate('metrics', register);
  app.queue.onCommand = (command, seconds, failed) => redisCommands.observe({ command, result: failed ? 'error' : 'ok' }, seconds);

  /** Queue figures read from Redis at scrape time, one script per shard. */
  const readQueues = async () => {
    const directory = app.directory();
    const now = app.clock.now();
    const byShard = new Map<string, typeof directory.practices[number][]>();
    for (const p of directory.practices) byShard.set(directory.shard(p), [...(byShard.get(directory.shard(p)) ?? []), p]);
    waiting.reset();
    longestWait.reset();
    staff.reset();
    await Promise.all(
      [...byShard].map(async ([shard, practices]) => {
        const pcn = practices[0]!.pcn ?? '';
        const teams = directory.teamsOfShard(shard).map((t) => ({ labels: { pcn, practice: t.practice?.ods ?? '', team: t.team.id }, key: t.key }));
        const members = practices.flatMap((p) => directory.staffOf(p));
        const snap = await app.queue.snapshot(shard, teams.map((t) => t.key), members.map((m) => m.id));
        snap.teams.forEach((row, i) => {
          const { labels } = teams[i]!;
          waiting.set(labels, row.waiting);
          longestWait.set(labels, row.oldestArrivedAt === undefined ? 0 : Math.max(0, (now - row.oldestArrivedAt) / 1000));
        });
        for (const p of practices) for (const s of STAFF_STATES) staff.set({ practice: p.ods, ...s }, 0);
        snap.staff.forEach((row, i) => staff.inc({ practice: members[i]!.practice, presence: row.presence, activity: row.activity }));
      }),
    );
  };

  // Each route, method and status's series, found once: its labels are built once, not per request (prom-client still hashes them at each observation).
  const series = new Map<string, { observe: (seconds: number) => void }>();
  const seriesOf = (method: string, route: string, status: number) => {
    const key = `${method} ${route} ${status}`;
    let found = series.get(key);
    if (!found) {
      const provider = PROVIDER_ROUTE.exec(route);
      found = provider ? webhooks.labels({ provider: provider[1]!, route: provider[2]!, status: String(status) }) : requests.labels({ method, route, status: String(status) });
      series.set(key, found);
    }
    return found;
  };
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (route && route !== '/metrics') seriesOf(request.method, route, reply.statusCode).observe(reply.elapsedTime / 1000);
    done();
  });

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['operations'], response: metricsResponse } }, async (request, reply) => {
    if (app.redis.status === 'ready') {
      await readQueues().catch((err: unknown) => {
        scrapeErrors.inc();
        request.log.warn({ err }, 'queue figures for /metrics could not be read');
      });
    }
    return reply.type(register.contentType).send(await register.metrics());
  });
}, { name: 'metrics', dependencies: ['callflow'] });

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}
