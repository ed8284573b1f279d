import { createHash } from 'node:crypto';
import t from 'tap';
import { loadScripts, runScript } from '../../../../shared/queue/commands/index.js';
import { CallQueue } from '../../../../shared/queue/queue.js';
import { privateRedis } from '../../../helpers/redis.js';

const SHARD = 'U1';
const call = (i: number) => ({ callId: `t:${i}`, team: 'F1.reception', practice: 'F1', from: `+4477009000${i}`, provider: 't', providerCallId: String(i) });
const hashOf = (name: string) => createHash('sha1').update(loadScripts().find((s) => s.name === name)!.lua).digest('hex');

t.test('a script runs by its hash, and again after Redis has forgotten it (NOSCRIPT: sent in full, which loads it)', async (t) => {
  const server = await privateRedis(t);
  const redis = server.connect();
  const queue = new CallQueue(redis);
  for (const i of [1, 2, 3]) await queue.enqueue(SHARD, call(i), 1000 + i);
  t.equal((await queue.position(SHARD, 't:2', 2000)).position, 2);
  t.same(await redis.script('EXISTS', hashOf('queuePosition')), [1], 'Redis now holds the script, under its SHA1');
  await redis.script('FLUSH');
  t.equal((await queue.position(SHARD, 't:2', 2000)).position, 2, 'the same answer once Redis no longer has the script');
  t.same(await redis.script('EXISTS', hashOf('queuePosition')), [1], 'and it is loaded again');
  await server.restart();
  t.equal((await new CallQueue(server.connect()).position(SHARD, 't:3', 2000)).position, 3, 'and after Redis restarted');
});

t.test('a script that does not exist, or given the wrong number of keys, is refused before Redis is asked', async (t) => {
  const server = await privateRedis(t);
  const redis = server.connect();
  t.throws(() => runScript(redis, 'noSuchScript', [], []), /queue script noSuchScript does not exist/);
  t.throws(() => runScript(redis, 'queuePosition', [], []), /queuePosition takes 1 keys, given 0/);
  t.equal(await redis.dbsize(), 0, 'nothing written');
});

t.test('an error the script raises reaches the caller (it is not taken for a missing script)', async (t) => {
  const server = await privateRedis(t);
  const redis = server.connect();
  await redis.set('sb:{U1}:call:t:9', 'not a hash');
  await t.rejects(runScript(redis, 'queuePosition', ['sb:{U1}:call:t:9'], ['sb:{U1}:', 0, 't:9', 0]), /WRONGTYPE/);
});
