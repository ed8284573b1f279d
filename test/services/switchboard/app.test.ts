import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import t from 'tap';
import { privateRedis } from '../../helpers/redis.js';
import { until } from '../../helpers/poll.js';
import { openLive } from '../../helpers/live.js';
import { startSwitchboard } from '../../helpers/switchboard.js';
import { exampleDirectory, PRACTICE_TOKEN } from '../../fixtures/directories.js';

t.test('a client that never finishes its request is answered 408 and dropped (REQUEST_TIMEOUT_MS); live sockets are not', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: exampleDirectory(), env: { REQUEST_TIMEOUT_MS: '1000' } });
  const screen = await openLive(t, sb.url, { token: PRACTICE_TOKEN, scope: { practice: 'F81001' } });
  await screen.snapshot();

  // Headers promise 100 bytes of body; 8 come, then nothing.
  const { port } = new URL(sb.url);
  const socket = connect(Number(port), '127.0.0.1');
  t.teardown(() => socket.destroy());
  let answer = '';
  let closed = false;
  socket.on('data', (chunk) => (answer += String(chunk)));
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  socket.write('POST /v1/twilio/voice HTTP/1.1\r\nHost: switchboard\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nCallSid=');

  await until('the unfinished request to be dropped', async () => closed, (c) => c);
  t.match(answer, /^HTTP\/1\.1 408 /, 'it was answered 408 Request Timeout');

  // The screen's socket is older than the dropped request, so it has outlived the timeout too: it still answers.
  t.notOk(screen.closed(), 'the live socket is still open');
  const before = screen.messages.length;
  screen.socket.send(JSON.stringify({ type: 'subscribe', scope: { practice: 'F81001' } }));
  await screen.waitFor('a fresh snapshot', () => screen.messages.slice(before).some((m) => m.type === 'snapshot'));
});

t.test('a request in flight when the service closes is answered and its connection closed with it: closing does not wait for keep-alive', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: exampleDirectory(), env: { REDIS_COMMAND_TIMEOUT_MS: '10000' } });
  // Redis holds every command for five seconds (less than the command timeout), so the request below
  // is still in flight when closing starts.
  await redis.connect().call('CLIENT', 'PAUSE', '5000', 'ALL');
  const agent = new Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  const answered = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
    const req = request(`${sb.url}/v1/staff/alice`, { agent, headers: { authorization: `Bearer ${PRACTICE_TOKEN}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end();
  });
  await until('the request to reach the service', async () => sb.logs.some((l) => l.includes('"url":"/v1/staff/alice"')), (seen) => seen);

  let closed = false;
  void sb.app.close().then(() => (closed = true));
  t.match(await answered, { status: 200, connection: 'close' }, 'answered, telling the client the connection closes');
  await until('the service to finish closing', async () => closed, (c) => c);
});
