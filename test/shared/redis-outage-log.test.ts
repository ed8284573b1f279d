import { EventEmitter } from 'node:events';
import t from 'tap';
import { RedisOutageLog } from '../../shared/redis-outage-log.js';
import { isRedisUnavailable } from '../../services/switchboard/redis.js';

function capture() {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, msg, fields });
  return { lines, log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

const refused = new Error('connect ECONNREFUSED 127.0.0.1:6390');

t.test('Redis away for a minute from three connections: a handful of lines, not hundreds', async (t) => {
  const { lines, log } = capture();
  let now = 1_000_000;
  const outage = new RedisOutageLog(log as never, isRedisUnavailable, 30_000, () => now);
  const [service, subscriber, bull] = [new EventEmitter(), new EventEmitter(), new EventEmitter()];
  outage.watch(service, 'service');
  outage.watch(subscriber, 'live subscriber');
  outage.watch(bull, 'call-backs 1');
  // Each connection retries about twice a second, and BullMQ's worker repeats them: 70 s of that.
  for (let ms = 0; ms < 70_000; ms += 500) {
    now = 1_000_000 + ms;
    for (const c of [service, subscriber, bull]) c.emit('error', refused);
    outage.error(refused, 'call-back worker', false);
  }
  t.same(lines.map((l) => `${l.level} ${l.msg}`), ['warn redis is unreachable; retrying (callers are still answered)', 'warn redis is still unreachable', 'warn redis is still unreachable'], 'one on losing it, one per 30 s');
  t.match(lines[1]!.fields, { awaySeconds: 30, errorsSinceLastLine: 240 });
  service.emit('ready');
  subscriber.emit('ready');
  t.equal(lines.length, 3, 'not back until every connection that lost it is back');
  now += 5_000;
  bull.emit('ready');
  t.same(lines.at(-1), { level: 'info', msg: 'redis is reachable again', fields: { awaySeconds: 75 } });
  bull.emit('ready');
  outage.error(refused, 'call-back worker', false);
  t.equal(lines.length, 4, "a late repeat from BullMQ's worker does not start another outage");
  service.emit('error', refused);
  t.equal(lines.at(-1)!.msg, 'redis is unreachable; retrying (callers are still answered)', 'a new outage is said again');
});

t.test('errors that are not about reaching Redis are all logged', async (t) => {
  const { lines, log } = capture();
  const outage = new RedisOutageLog(log as never, isRedisUnavailable);
  outage.error(new Error('ERR unknown command'), 'call-back worker', false);
  outage.error(new Error('ERR unknown command'), 'call-back worker', false);
  t.same(lines.map((l) => `${l.level} ${l.msg} ${String(l.fields.err)}`), ['warn call-back worker error ERR unknown command', 'warn call-back worker error ERR unknown command']);
});
