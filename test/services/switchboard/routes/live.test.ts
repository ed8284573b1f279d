import t from 'tap';
import { FakeTwilio, type FakeCall } from '../../../fakes/twilio.js';
import { openLive } from '../../../helpers/live.js';
import { privateRedis } from '../../../helpers/redis.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';
import { GRAYS, liveDirectory, RIVERSIDE, TOKENS } from '../../../fixtures/live.js';

t.test('tickets and socket authentication', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: liveDirectory() });

  let res = await sb.api('POST', '/v1/live/tickets');
  t.equal(res.status, 401, 'no token, no ticket');
  res = await sb.api('POST', '/v1/live/tickets', TOKENS.alice);
  t.equal(res.status, 201);
  t.match(res.body, { expiresInSeconds: 30, role: 'staff', practice: 'F81001', staff: { id: 'alice', name: 'Alice Ward' }, pcn: 'U12345' });
  const ticket = res.body.ticket as string;
  t.match(ticket, /^[A-Za-z0-9_-]{32}$/);
  t.notOk((await redis.connect().keys('*')).some((k) => k.includes(ticket)), 'the ticket itself is not a Redis key (only its digest)');

  const first = await openLive(t, sb.url, { ticket, scope: { practice: 'F81001' } });
  await first.snapshot();
  const again = await openLive(t, sb.url, { ticket, scope: { practice: 'F81001' } });
  await again.waitFor('refusal', () => again.closed());
  t.equal(again.closed()!.code, 4401, 'a ticket works once');
  t.match(again.messages[0], { type: 'error', code: 4401, message: /unknown, used or expired/ });

  const forged = await openLive(t, sb.url, { ticket: 'not-a-ticket' });
  await forged.waitFor('refusal', () => forged.closed());
  t.equal(forged.closed()!.code, 4401);

  const tokenAsTicket = await openLive(t, sb.url, { ticket: TOKENS.riverside });
  await tokenAsTicket.waitFor('refusal', () => tokenAsTicket.closed());
  t.equal(tokenAsTicket.closed()!.code, 4401, 'a long-lived token is not a ticket');

  const subscribeFirst = await openLive(t, sb.url, {});
  subscribeFirst.socket.send(JSON.stringify({ type: 'subscribe', scope: { practice: 'F81001' } }));
  await subscribeFirst.waitFor('refusal', () => subscribeFirst.closed());
  t.equal(subscribeFirst.closed()!.code, 4401, 'no subscription before authentication');

  const garbled = await openLive(t, sb.url, { token: TOKENS.riverside });
  await garbled.waitFor('ready', () => garbled.messages.find((m) => m.type === 'ready'));
  garbled.socket.send('{not json');
  garbled.socket.send(JSON.stringify({ type: 'subscribe', scope: { practice: 'F81001', pcn: 'U12345' } }));
  await garbled.waitFor('two errors', () => garbled.messages.filter((m) => m.type === 'error').length === 2);
  t.same(garbled.messages.filter((m) => m.type === 'error').map((m) => m.code), [4400, 4400], 'bad messages get a clear error');
  t.match(garbled.messages.at(-1)!.message, /expected \{"type":"subscribe"/);
  t.notOk(garbled.closed(), 'and the socket stays open');

  t.notOk(sb.logs.join('').includes(ticket), 'tickets are never logged');
  t.notOk(sb.logs.join('').includes(TOKENS.alice), 'tokens are never logged');
});

t.test('subscription scoping', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: liveDirectory() });
  const outcome = async (token: string, scope: Record<string, string>) => {
    const live = await openLive(t, sb.url, { token, scope });
    await live.waitFor('snapshot or refusal', () => live.state() || live.closed());
    return live.closed()?.code ?? live.state()!.scope.view;
  };
  t.equal(await outcome(TOKENS.riverside, { practice: 'F81001' }), 'rows', 'a practice sees itself');
  t.equal(await outcome(TOKENS.riverside, { team: 'F81001.dispensary' }), 'rows', 'and its teams');
  t.equal(await outcome(TOKENS.alice, { practice: 'F81001' }), 'rows', 'staff see their practice');
  t.equal(await outcome(TOKENS.riverside, { practice: 'F81002' }), 4403, 'not a neighbour');
  t.equal(await outcome(TOKENS.alice, { team: 'F81002.reception' }), 4403);
  t.equal(await outcome(TOKENS.riverside, { pcn: 'U12345' }), 4403, 'not the whole PCN');
  t.equal(await outcome(TOKENS.pcn, { pcn: 'U12345' }), 'rows', 'a PCN sees itself');
  t.equal(await outcome(TOKENS.pcn, { practice: 'F81002' }), 'rows', 'and its practices');
  t.equal(await outcome(TOKENS.pcn, { practice: 'F81003' }), 4403, 'but not a practice outside it');
  t.equal(await outcome(TOKENS.icb, { practice: 'F81003' }), 'figures', 'an ICB sees figures');
  t.equal(await outcome(TOKENS.icb, { pcn: 'U12345' }), 'figures');
  t.equal(await outcome(TOKENS.riverside, { practice: 'F89999' }), 4404, 'unknown practice');
  t.equal(await outcome(TOKENS.riverside, { team: 'F81001.pharmacy' }), 4404, 'unknown team');
});

t.test('live changes reach screens, coalesced; ICB screens never get caller rows', async (t) => {
  const redis = await privateRedis(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: liveDirectory(), twilio });

  const practice = await openLive(t, sb.url, { token: TOKENS.riverside, scope: { practice: 'F81001' } });
  const pcn = await openLive(t, sb.url, { token: TOKENS.pcn, scope: { pcn: 'U12345' } });
  const icb = await openLive(t, sb.url, { token: TOKENS.icb, scope: { practice: 'F81001' } });
  const grays = await openLive(t, sb.url, { token: TOKENS.grays, scope: { practice: 'F81002' } });
  const s0 = await practice.snapshot();
  await Promise.all([pcn.snapshot(), icb.snapshot(), grays.snapshot()]);
  t.match(s0, { live: { waiting: 0, longestWaitingSince: null, callbacks: { waiting: 0, inProgress: 0, failed: 0 } }, staffCounts: { offline: 3 }, thresholds: { waitingAmber: 2, waitingRed: 4 }, callers: [], failedCallbacks: [] });
  t.same(s0.staff!.map((s) => [s.id, s.status]), [['alice', 'offline'], ['bob', 'offline'], ['dee', 'offline']]);

  // How fast changes reach screens is measured by npm run bench:wallboard; here, that they do.
  const caller = await twilio.placeCall('+447700900123', RIVERSIDE);
  await practice.waitFor('one waiting', () => practice.state()!.live.waiting === 1);
  t.match(practice.state()!.callers, [{ position: 1, caller: '•••••••••123', team: 'F81001.reception' }]);
  t.ok(practice.state()!.live.longestWaitingSince! <= Date.now());
  await pcn.waitFor('PCN sees it', () => pcn.state()!.live.waiting === 1);
  await icb.waitFor('ICB sees the count', () => icb.state()!.live.waiting === 1);
  t.equal(icb.state()!.callers, undefined, 'ICB screens get no caller rows');
  t.equal(icb.state()!.staff, undefined, 'nor staff rows');
  t.equal(icb.state()!.callbacksDue, undefined, 'nor call-backs due');
  await icb.waitFor('team counts', () => icb.state()!.teams.find((r) => r.key === 'F81001.reception')?.waiting === 1, 1000);
  t.notOk(icb.messages.some((m) => JSON.stringify(m).includes('123"')), 'no masked number ever reaches an ICB screen');

  // Alice comes on: the caller is put through; the screen shows who she is talking to.
  t.equal((await sb.api('PUT', '/v1/staff/alice/presence', TOKENS.alice, { state: 'available' })).status, 200);
  await twilio.waitFor('bridged', () => caller.bridged);
  await practice.waitFor('alice on the call', () => practice.state()!.staff!.find((s) => s.id === 'alice')?.call?.answeredAt);
  t.match(practice.state()!.staff!.find((s) => s.id === 'alice'), { status: 'on-call', call: { caller: '•••••••••123', team: 'F81001.reception', callBack: false } });
  t.equal(practice.state()!.live.waiting, 0);
  t.equal(practice.state()!.staffCounts.onCall, 1);

  // The call ends: today's figures change.
  twilio.staffHangsUp(caller);
  await practice.waitFor('answered 1', () => practice.state()!.today.answered === 1);
  t.match(practice.state()!.today, { offered: 1, answered: 1, abandoned: 0, abandonedPercent: 0, targetSeconds: 60 });

  // A burst of 40 presence changes in well under a second is coalesced.
  const before = practice.messages.length;
  const burstStart = Date.now();
  for (let i = 0; i < 40; i++) await sb.api('PUT', '/v1/staff/bob/presence', TOKENS.riverside, { state: i % 2 === 0 ? 'away' : 'available' });
  const burstMs = Date.now() - burstStart;
  await practice.waitFor('bob available', () => practice.state()!.staff!.find((s) => s.id === 'bob')?.status === 'available');
  const sent = practice.messages.length - before;
  t.ok(sent <= Math.ceil(burstMs / 250) + 2, `40 changes in ${burstMs} ms became ${sent} messages`);
  t.ok(sent < 40);

  // Another practice's screen was not disturbed by any of it (beyond the shared PCN shard re-read).
  t.ok(grays.messages.every((m) => m.type !== 'update' || !('callers' in (m.sections ?? {}))), "a neighbour's screen never got this practice's callers");
  t.equal(grays.state()!.live.waiting, 0);
});

t.test("today's figures on screen equal the call records", async (t) => {
  const redis = await privateRedis(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: liveDirectory(), twilio });
  const screen = await openLive(t, sb.url, { token: TOKENS.riverside, scope: { practice: 'F81001' } });
  await screen.snapshot();

  await sb.api('PUT', '/v1/staff/alice/presence', TOKENS.riverside, { state: 'available' });
  const calls: FakeCall[] = [];
  for (let i = 0; i < 4; i++) calls.push(await twilio.placeCall(`+44770090020${i}`, RIVERSIDE));
  await twilio.waitFor('first bridged', () => calls[0]!.bridged);
  await new Promise((r) => setTimeout(r, 1100));
  twilio.staffHangsUp(calls[0]!);
  await twilio.waitFor('second bridged', () => calls[1]!.bridged);
  await twilio.hangUp(calls[2]!); // abandoned while waiting
  twilio.staffHangsUp(calls[1]!);
  await twilio.waitFor('fourth bridged', () => calls[3]!.bridged);
  twilio.staffHangsUp(calls[3]!);
  await twilio.waitFor('all over', () => calls.every((c) => c.over));
  await twilio.placeCall('+447700900299', GRAYS).then((c) => twilio.hangUp(c)); // another practice's call

  await screen.waitFor('four calls on screen', () => screen.state()!.today.offered === 4);
  const records = (await sb.api('GET', '/v1/practices/F81001/calls', TOKENS.riverside)).body.calls as { outcome: string; waitSeconds: number }[];
  const metrics = (await sb.api('GET', '/v1/practices/F81001/metrics', TOKENS.riverside)).body;
  const { date: _date, ...onScreen } = screen.state()!.today;
  const { practice: _p, date: _d, ...fromApi } = metrics;
  t.same(onScreen, fromApi, 'the screen and GET /metrics agree exactly');

  // And both agree with a count made by hand from GET /calls.
  const answered = records.filter((r) => r.outcome === 'answered');
  const waits = answered.map((r) => r.waitSeconds).sort((a, b) => a - b);
  t.equal(onScreen.offered, records.length);
  t.equal(onScreen.answered, 3);
  t.equal(onScreen.abandoned, records.filter((r) => r.outcome === 'abandoned').length);
  t.equal(onScreen.abandonedPercent, Math.round((1 / 4) * 1000) / 10);
  t.equal(onScreen.averageWaitSeconds, Math.round(waits.reduce((a, b) => a + b, 0) / waits.length));
  t.equal(onScreen.p90WaitSeconds, waits[Math.ceil(0.9 * waits.length) - 1]);
  t.equal(onScreen.answeredWithinTargetPercent, Math.round((waits.filter((w) => w <= 60).length / waits.length) * 1000) / 10);
  t.equal(onScreen.intervals.reduce((n, i) => n + i.offered, 0), 4);

  t.equal((await sb.api('GET', '/v1/practices/F81001/metrics', TOKENS.icb)).status, 200, 'ICB users may read figures');
  // Outside the practice, small numbers (1-4 by default) are hidden exactly as /v1/stats hides them.
  for (const [who, token] of [['ICB', TOKENS.icb], ['PCN', TOKENS.pcn]] as const) {
    const outside = (await sb.api('GET', '/v1/practices/F81001/metrics', token)).body;
    t.match(outside, { offered: '*', answered: '*', abandoned: '*', abandonedPercent: '*', averageWaitSeconds: '*', p90WaitSeconds: '*', answeredWithinTargetPercent: '*', endedBeforeQueue: 0 }, `${who}: the four calls' counts and what is built on them are '*'`);
    t.ok((outside.intervals as { offered: unknown }[]).every((i) => i.offered === 0 || i.offered === '*'), `${who}: per quarter too`);
    const stats = (await sb.api('GET', `/v1/stats?scope=practice:F81001&from=${metrics.date as string}&measures=CBT001,CBT003`, token)).body.rows as Record<string, unknown>[];
    t.same(stats, [{ period: metrics.date, CBT001: '*', CBT003: '*' }], `${who}: as /v1/stats shows them`);
  }
  const icbScreen = await openLive(t, sb.url, { token: TOKENS.icb, scope: { practice: 'F81001' } });
  await icbScreen.snapshot();
  t.match(icbScreen.state()!.today, { offered: '*', answered: '*', abandoned: '*', abandonedPercent: '*', endedBeforeQueue: 0 }, "an ICB (figures-only) screen: today's small numbers as /v1/stats shows them");
  t.equal((await sb.api('GET', '/v1/practices/F81001/metrics', TOKENS.grays)).status, 403);
  t.equal((await sb.api('GET', '/v1/practices/F81001/metrics?date=2026-13-01', TOKENS.riverside)).status, 400);
});

t.test('a screen on one process sees changes made through another (Redis pub/sub); a reconnect gets a full snapshot', async (t) => {
  const redis = await privateRedis(t);
  const a = await startSwitchboard(t, { redisUrl: redis.url, directory: liveDirectory() });
  const b = await startSwitchboard(t, { redisUrl: redis.url, directory: liveDirectory() });
  const screen = await openLive(t, b.url, { token: TOKENS.riverside, scope: { team: 'F81001.dispensary' } });
  t.equal((await screen.snapshot()).staffCounts.offline, 1, 'only the team\'s staff');
  await a.api('PUT', '/v1/staff/dee/presence', TOKENS.riverside, { state: 'available' });
  await screen.waitFor('dee available on the other process', () => screen.state()!.staffCounts.available === 1);

  screen.socket.terminate();
  await a.api('PUT', '/v1/staff/dee/presence', TOKENS.riverside, { state: 'away' });
  const again = await openLive(t, b.url, { token: TOKENS.riverside, scope: { team: 'F81001.dispensary' } });
  const snap = await again.snapshot();
  t.equal(again.messages.find((m) => m.type === 'snapshot') !== undefined, true);
  t.match(snap, { staffCounts: { available: 0, away: 1 }, staff: [{ id: 'dee', status: 'away' }] }, 'the reconnected screen starts from the truth');
});

t.test('a malformed message (JSON null, an array, a number, no type) is answered 4400 and the socket stays open; nothing is logged as our error', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: liveDirectory() });
  const malformed = ['null', '[]', '42', '"auth"', '{}', '{"type":7}'];
  const screen = await openLive(t, sb.url, {});
  for (const m of malformed) screen.socket.send(m);
  await screen.waitFor('an answer to each before authentication', () => screen.messages.length === malformed.length);
  t.same(screen.messages.map((m) => m.code), malformed.map(() => 4400), 'each is a client error, 4400');
  t.match(screen.messages[0]!.message, /JSON objects with a "type"/);

  const ticket = ((await (await fetch(`${sb.url}/v1/live/tickets`, { method: 'POST', headers: { authorization: `Bearer ${TOKENS.riverside}` } })).json()) as { ticket: string }).ticket;
  screen.socket.send(JSON.stringify({ type: 'auth', ticket }));
  await screen.waitFor('ready', () => screen.messages.find((m) => m.type === 'ready'));
  const before = screen.messages.length;
  for (const m of malformed) screen.socket.send(m);
  await screen.waitFor('an answer to each after authentication', () => screen.messages.length === before + malformed.length);
  t.same(screen.messages.slice(before).map((m) => m.code), malformed.map(() => 4400));
  screen.socket.send(JSON.stringify({ type: 'subscribe', scope: { practice: 'F81001' } }));
  await screen.snapshot();
  t.notOk(screen.closed(), 'the socket is still open and still works');
  t.notOk(sb.logs.some((line) => JSON.parse(line).level >= 50), 'no error was logged');
});

t.test('auth and subscribe sent back to back: handled in order, the screen gets its snapshot', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: liveDirectory() });
  const ticket = ((await (await fetch(`${sb.url}/v1/live/tickets`, { method: 'POST', headers: { authorization: `Bearer ${TOKENS.riverside}` } })).json()) as { ticket: string }).ticket;
  const screen = await openLive(t, sb.url, {});
  screen.socket.send(JSON.stringify({ type: 'auth', ticket }));
  screen.socket.send(JSON.stringify({ type: 'subscribe', scope: { practice: 'F81001' } }));
  await screen.waitFor('a snapshot or a refusal', () => screen.state() || screen.closed());
  t.notOk(screen.closed(), 'not disconnected');
  t.same(screen.messages.map((m) => m.type), ['ready', 'snapshot'], 'ready, then the snapshot');
});
