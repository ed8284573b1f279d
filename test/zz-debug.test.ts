import t from 'tap';
import { privateRedis } from './helpers/redis.js';
import { startSwitchboard } from './helpers/switchboard.js';
import { exampleDirectory } from './fixtures/directories.js';
t.test('x', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: exampleDirectory() });
  redis.child.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 500));
  const res = await fetch(`${sb.url}/v1/staff/alice/presence`, { method: 'PUT', headers: { authorization: 'Bearer alice-token', 'content-type': 'application/json' }, body: '{"state":"available"}' });
  console.error('status', res.status);
  await redis.restart();
  await new Promise((r) => setTimeout(r, 1500));
  const t0 = Date.now();
  await sb.app.close();
  console.error('closed in', Date.now() - t0);
  setTimeout(() => {
    const hs = (process as any)._getActiveHandles();
    console.error('HANDLES', hs.map((h: any) => `${h.constructor.name}:${h.remotePort ?? ''}`).join(' '));
    process.exit(0);
  }, 3000).unref();
});
