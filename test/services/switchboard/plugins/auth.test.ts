import t from 'tap';
import WebSocket from 'ws';
import { privateRedis } from '../../../helpers/redis.js';
import { until } from '../../../helpers/poll.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';
import { openLive } from '../../../helpers/live.js';
import { exampleDirectory, PRACTICE_TOKEN } from '../../../fixtures/directories.js';

/** GET a token route as a client at `address` (the service reads the client address from X-Forwarded-For, as behind a load balancer). */
const asClient = (url: string, authorization: string | undefined, address = '198.51.100.7') =>
  fetch(`${url}/v1/staff/alice`, { headers: { 'x-forwarded-for': address, ...(authorization ? { authorization } : {}) } });

t.test('the Bearer scheme is matched in any case (RFC 7235); other schemes are refused', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: exampleDirectory() });
  for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) t.equal((await asClient(sb.url, `${scheme} ${PRACTICE_TOKEN}`)).status, 200, `"${scheme}" is accepted`);
  t.equal((await asClient(sb.url, `Basic ${PRACTICE_TOKEN}`)).status, 401, 'another scheme is not');
  t.equal((await asClient(sb.url, `Bearer${PRACTICE_TOKEN}`)).status, 401, 'nor the scheme run into the token');
});

t.test('failed token checks are limited per client address: 429 with Retry-After, even for a right token, until the window ends', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: exampleDirectory(), env: { AUTH_FAILURE_LIMIT: '3', AUTH_FAILURE_WINDOW_SECONDS: '2' } });
  for (let i = 0; i < 10; i++) t.equal((await asClient(sb.url, `Bearer ${PRACTICE_TOKEN}`)).status, 200, 'good requests never count');
  t.equal((await asClient(sb.url, undefined)).status, 401, 'a request with no token is refused but is not a guess: not counted');
  for (let i = 0; i < 3; i++) t.equal((await asClient(sb.url, 'Bearer guess-' + i)).status, 401, `wrong token ${i + 1} of 3: 401`);

  const blocked = await asClient(sb.url, 'Bearer guess-4');
  t.equal(blocked.status, 429, 'the fourth guess in the window: 429');
  t.match(blocked.headers.get('content-type'), /^application\/problem\+json/);
  const retryAfter = Number(blocked.headers.get('retry-after'));
  t.ok(retryAfter >= 1 && retryAfter <= 2, `Retry-After ${retryAfter} s is within the 2 s window`);
  t.match(((await blocked.json()) as { detail: string }).detail, /too many failed authentications from this address; try again in \d+ seconds/);
  t.equal((await asClient(sb.url, `Bearer ${PRACTICE_TOKEN}`)).status, 429, 'a right token from that address is refused too, so a right guess cannot be told from a wrong one');
  t.equal((await asClient(sb.url, `Bearer ${PRACTICE_TOKEN}`, '203.0.113.20')).status, 200, 'another address is not affected');

  // The window ends: the address may try again.
  await until('the window to end', async () => (await asClient(sb.url, `Bearer ${PRACTICE_TOKEN}`)).status, (s) => s === 200);
  t.equal((await asClient(sb.url, 'Bearer guess-5')).status, 401, 'and a new window counts afresh');
});

t.test('failed live tickets count too: the socket closes 4429, and a new socket is refused 429 at the upgrade', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: exampleDirectory(), env: { AUTH_FAILURE_LIMIT: '2', AUTH_FAILURE_WINDOW_SECONDS: '60' } });
  const opened = await openLive(t, sb.url, {}); // before the address is blocked, no ticket sent yet
  const ticket = ((await (await fetch(`${sb.url}/v1/live/tickets`, { method: 'POST', headers: { authorization: `Bearer ${PRACTICE_TOKEN}` } })).json()) as { ticket: string }).ticket;

  t.equal((await fetch(`${sb.url}/v1/live/tickets`, { method: 'POST', headers: { authorization: 'Bearer a-guess' } })).status, 401, 'a wrong token for a ticket: one failure');
  const forged = await openLive(t, sb.url, { ticket: 'not-a-ticket' });
  await forged.waitFor('refusal', () => forged.closed());
  t.equal(forged.closed()!.code, 4401, 'a forged ticket: the second failure');

  opened.socket.send(JSON.stringify({ type: 'auth', ticket }));
  await opened.waitFor('refusal', () => opened.closed());
  t.equal(opened.closed()!.code, 4429, 'a socket already open is refused before its ticket is looked at');
  t.match(opened.messages.at(-1), { type: 'error', code: 4429, message: /too many failed authentications from this address; try again in \d+ seconds/ });

  const refused = await new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
    const ws = new WebSocket(`${sb.url.replace(/^http/, 'ws')}/v1/live`);
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }));
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => undefined);
  });
  t.equal(refused.status, 429, 'a new socket from that address: 429 at the upgrade');
  t.ok(Number(refused.retryAfter) >= 1, `with Retry-After (${refused.retryAfter})`);
});

t.test('with TRUST_PROXY naming the load balancer, a client cannot dodge the count by writing its own X-Forwarded-For', async (t) => {
  const redis = await privateRedis(t);
  // The test is the load balancer (127.0.0.1): it appends the address it saw to what the client sent.
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: exampleDirectory(), env: { AUTH_FAILURE_LIMIT: '2', TRUST_PROXY: '127.0.0.1' } });
  for (let i = 0; i < 2; i++) t.equal((await asClient(sb.url, `Bearer guess-${i}`, `192.0.2.${i}, 198.51.100.7`)).status, 401);
  t.equal((await asClient(sb.url, `Bearer ${PRACTICE_TOKEN}`, '192.0.2.99, 198.51.100.7')).status, 429, 'counted against the address the balancer saw, whatever the client wrote');
  t.equal((await asClient(sb.url, `Bearer ${PRACTICE_TOKEN}`, '203.0.113.20')).status, 200, 'another client is not affected');
});
