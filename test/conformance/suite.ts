/**
 * The call-path scenarios every provider adapter must pass, written once against TestProvider:
 * five callers with exact positions, immediate connect, hang-up, wrap-up, no answer, a caller
 * leaving while a phone rings, duplicate and out-of-order webhooks, signatures, two service
 * processes sharing one Redis, call-backs (offered, kept place, staff rung first, retried), and
 * call recording (recording.ts).
 * Each provider's *.test.ts runs it against its fake.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { parseDirectory } from '../../shared/directory/load.js';
import { privateRedis } from '../helpers/redis.js';
import { roundRobin, spawnSwitchboard } from '../helpers/processes.js';
import { movableClock, startSwitchboard } from '../helpers/switchboard.js';
import { ALICE_SIP, BOB_PHONE, PRACTICE_TOKEN, RIVERSIDE, TUESDAY_1000 } from '../fixtures/directories.js';
import type { ProviderFactory, TestCall, TestProvider } from './provider.js';
import { until } from '../helpers/poll.js';
import { recordingConformance } from './recording.js';

/** Riverside (F81001: Alice and Bob) and Grays (F81002) in one PCN, each on its own account; `extra` adds to Riverside. */
export function conformanceYaml(riverside: string, grays: string, voice: string, extra = ''): string {
  return `icb: { code: QH8, name: Mid and South Essex ICB }
pcns: [{ code: U12345, name: Thurrock Riverside PCN }]
practices:
  - { ods: F81001, name: Riverside Surgery, pcn: U12345, numbers: ["${RIVERSIDE}"], wrapUpSeconds: 1, ringSeconds: 60, voice: ${voice}${extra},
      provider: ${riverside}, teams: [{ id: reception, name: Reception }] }
  - { ods: F81002, name: Grays Health Centre, pcn: U12345, numbers: ["+441375100002"],
      provider: ${grays}, teams: [{ id: reception, name: Reception }] }
staff:
  - { id: alice, name: Alice, practice: F81001, endpoint: "${ALICE_SIP}", teams: [reception] }
  - { id: bob, name: Bob, practice: F81001, endpoint: "${BOB_PHONE}", teams: [reception] }
access:
  - { token: ${PRACTICE_TOKEN}, role: practice, practice: F81001 }
`;
}

const nonIncreasing = (xs: number[]) => xs.every((x, i) => i === 0 || x <= xs[i - 1]!);

/** `yaml`: a last change to the directory (sign-in, people). */
export async function setup(t: Test, makeProvider: ProviderFactory, opts: { extra?: string; env?: Record<string, string>; clock?: ReturnType<typeof movableClock>; yaml?: (yaml: string) => string } = {}) {
  const redis = await privateRedis(t);
  const provider = await makeProvider(t);
  const yaml = conformanceYaml(provider.account(1), provider.account(2), provider.voice, opts.extra);
  const directory = parseDirectory(opts.yaml ? opts.yaml(yaml) : yaml, 'conformance');
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory, env: { ...provider.env, ...opts.env }, clock: opts.clock });
  provider.connect(directory, sb.url);
  const db = redis.connect();
  const queued = () => db.zrange('sb:{U12345}:q:F81001.reception', 0, -1);
  const records = async () => (await sb.api('GET', '/v1/practices/F81001/calls', PRACTICE_TOKEN)).body.calls as Record<string, unknown>[];
  const callbacks = async () => (await sb.api('GET', '/v1/practices/F81001/callbacks', PRACTICE_TOKEN)).body.callbacks as Record<string, unknown>[];
  return { provider, sb, db, redis, queued, records, callbacks, id: (sid: string) => `${provider.kind}:${sid}` };
}

export const PATIENT = '+447700900003';
const offerHeard = (c: TestCall) => c.heard.some((h) => /To be called back instead, keeping your place in the queue, press 1/.test(h));
/** The team has been averaging 200-second calls (talk + wrap-up): number 2 in the queue waits about 300 s. */
const busyMorning = (db: { hset: (key: string, ...args: (string | number)[]) => Promise<unknown> }) => db.hset('sb:{U12345}:team:F81001.reception', 'aht', 200, 'samples', 10);

/**
 * A busy morning: caller 1 with Alice, caller 2 waiting, and the patient, number 2 (about 300 s
 * away), pressing 1 at the call-back offer, then 1 to confirm the number they are calling from.
 */
export async function callbackRequested(provider: TestProvider, sb: Awaited<ReturnType<typeof setup>>['sb'], db: Parameters<typeof busyMorning>[0]) {
  await busyMorning(db);
  await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
  const a = await provider.placeCall('+447700900001', RIVERSIDE);
  await provider.waitFor('caller 1 bridged to Alice', () => a.bridged?.endpoint === ALICE_SIP);
  const b = await provider.placeCall('+447700900002', RIVERSIDE);
  const c = await provider.placeCall(PATIENT, RIVERSIDE, ['1', '1']);
  await provider.waitFor('caller 3 told and hung up', () => c.over);
  return { a, b, c };
}

export function conformance(t: Test, makeProvider: ProviderFactory): void {
  recordingConformance(t, makeProvider);

  t.test('five callers, one member of staff: queue, positions, hang-up, wrap-up, records', async (t) => {
    const { provider, sb, records, id } = await setup(t, makeProvider);
    t.equal((await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' })).status, 200);

    const callers: TestCall[] = [];
    for (let i = 1; i <= 5; i++) callers.push(await provider.placeCall(`+4477009000${i}0`, RIVERSIDE));
    const [c1, c2, c3, c4, c5] = callers as [TestCall, TestCall, TestCall, TestCall, TestCall];

    // Nobody hears an engaged tone or an error; each was answered with a valid document.
    for (const c of callers) t.same(c.errors, [], `caller ${c.from} had no errors`);
    const firsts = provider.firstAnswers();
    t.equal(firsts.length, 5);
    t.ok(firsts.every((a) => a.status === 200 && a.valid), `every first webhook got a valid ${provider.kind} document`);

    // The first caller went straight through to Alice; the others heard exact positions.
    await provider.waitFor('caller 1 bridged to Alice', () => c1.bridged?.endpoint === ALICE_SIP);
    const bridgedAt = Date.now();
    t.match(c1.heard.join(' '), /Putting you through/);
    t.same([c2, c3, c4, c5].map((c) => c.positions[0]), [1, 2, 3, 4], 'positions on joining are exact');
    t.match(c2.heard.join(' '), /We will answer as soon as someone is free/, 'no wait figure without any handled calls');

    // Caller 3 gives up: those behind move up at their next announcement.
    await provider.hangUp(c3);
    await provider.waitFor('caller 4 hears number 2', () => c4.positions.at(-1) === 2);
    await provider.waitFor('caller 5 hears number 3', () => c5.positions.at(-1) === 3);

    // Alice talks to caller 1 for over a second, then finishes; after her wrap-up caller 2 is put
    // through by a live-call update.
    await new Promise((r) => setTimeout(r, Math.max(0, 1300 - (Date.now() - bridgedAt))));
    const talked = (Date.now() - bridgedAt) / 1000;
    const endedAt = Date.now();
    provider.staffHangsUp(c1);
    await provider.waitFor('caller 1 hears goodbye and hangs up', () => c1.over);
    const overAt = Date.now();
    t.match(c1.heard.at(-1), /Goodbye/);
    await provider.waitFor('caller 2 bridged to Alice', () => c2.bridged?.endpoint === ALICE_SIP);
    t.ok(Date.now() - endedAt >= 900, 'caller 2 was connected only after Alice\'s 1 s wrap-up');
    provider.checkConnect(t, c2, 'alice');

    // The rest are served in order.
    provider.staffHangsUp(c2);
    await provider.waitFor('caller 4 bridged', () => c4.bridged);
    t.notOk(c5.bridged, 'caller 5 still waits while caller 4 is served');
    provider.staffHangsUp(c4);
    await provider.waitFor('caller 5 bridged', () => c5.bridged);
    await provider.hangUp(c5);

    for (const c of [c2, c4, c5]) t.ok(nonIncreasing(c.positions), `positions heard by ${c.from} only go down: ${c.positions}`);
    t.match(c2.heard.join(' '), /The wait (may be|is) about \d+ minute|less than a minute/, 'a wait estimate once calls have been handled');

    // Every call left a record with the right outcome.
    const res = await sb.api('GET', '/v1/practices/F81001/calls', PRACTICE_TOKEN);
    t.equal(res.status, 200);
    const calls = await records();
    const byCaller = new Map(calls.map((r) => [r.callId, r]));
    t.equal(calls.length, 5, 'five call records');
    t.same([c1, c2, c3, c4, c5].map((c) => byCaller.get(id(c.sid))?.outcome), ['answered', 'answered', 'abandoned', 'answered', 'answered']);
    const r1 = byCaller.get(id(c1.sid))!;
    // Measured between webhooks (or reported by the provider), so on a loaded machine it may run on
    // until the last webhook arrived, but never past the end of the call.
    const upTo = (overAt - bridgedAt) / 1000;
    t.ok((r1.talkSeconds as number) >= 0 && (r1.talkSeconds as number) <= Math.round(upTo) + 1, `caller 1's talk time (${r1.talkSeconds} s): they were bridged ${talked.toFixed(1)} s, their call over ${upTo.toFixed(1)} s after bridging`);
    const r3 = byCaller.get(id(c3.sid))!;
    t.equal(r3.answeredAt, null);
    t.equal(r3.staff, null);
    t.match(r3.caller, /•+030$/, 'numbers are masked in the API');
    const r2 = byCaller.get(id(c2.sid))!;
    t.equal(r2.staff, 'alice');
    t.ok((r2.waitSeconds as number) >= 1, 'caller 2 waited');
    t.ok(Date.parse(r2.answeredAt as string) >= Date.parse(r2.queuedAt as string));
    t.ok(Date.parse(r2.endedAt as string) >= Date.parse(r2.answeredAt as string));
    t.notOk(sb.logs.join('').includes('+44770090001'), 'no caller number appears in the logs');
  });

  t.test('signatures: good, bad, missing, stale, wrong practice', async (t) => {
    const { provider, sb, queued, records, id } = await setup(t, makeProvider);
    const good = await provider.send(sb.url, 'incoming', 'good-1');
    t.equal(good.status, 200, 'a correctly signed request is answered');
    t.match(good.said, /^Thank you for calling Riverside Surgery\./);
    t.same(await queued(), [id('good-1')]);

    const bad = await provider.send(sb.url, 'incoming', 'bad-2', { signing: 'wrong' });
    t.equal(bad.status, 403, 'a wrong signature is refused');
    t.match(JSON.parse(bad.body), { status: 403, detail: /not signed/ });
    t.equal((await provider.send(sb.url, 'incoming', 'bad-3', { signing: 'missing' })).status, 403, 'a missing signature is refused');
    t.equal((await provider.send(sb.url, 'incoming', 'bad-4', { signing: 'other-practice-secret' })).status, 403, "signed with another practice's secret: refused");
    t.equal((await provider.send(sb.url, 'incoming', 'bad-5', { account: 2 })).status, 403, "another practice's account calling this practice's number: refused");
    if (provider.signaturesExpire) {
      const stale = await provider.send(sb.url, 'incoming', 'bad-6', { signing: 'stale' });
      t.equal(stale.status, 403, 'a signature more than 300 s old is refused');
      t.match(JSON.parse(stale.body), { detail: /replay/ });
      t.equal((await provider.send(sb.url, 'ended', 'good-1', { signing: 'stale' })).status, 403, 'a stale call-ended webhook is refused');
    } else {
      // Nothing dates the signature, so a replay is indistinguishable: it must change nothing.
      t.equal((await provider.send(sb.url, 'incoming', 'good-1')).status, 200, 'a replayed request is answered');
      t.same(await queued(), [id('good-1')], 'and changes nothing');
    }
    for (const forgery of provider.forgeries(sb.url, 'bad-7', 'good-1')) t.equal(await forgery.send(), 403, `${forgery.name}: refused`);
    t.equal((await provider.send(sb.url, 'incoming', 'bad-8', { to: '+441999000000' })).status, 404, 'a number that is not a practice of ours: 404');
    t.equal((await provider.send(sb.url, 'ended', 'good-1', { signing: 'wrong' })).status, 403, 'status webhooks are checked too');
    t.same(await queued(), [id('good-1')], 'refused requests changed nothing');
    t.same(await records(), [], 'and ended no call');
    t.equal(await provider.sendWithoutCallId(sb.url), 400, 'a request without a call id: 400');
  });

  t.test('duplicate and out-of-order webhooks change nothing twice', async (t) => {
    const { provider, sb, queued, records, id } = await setup(t, makeProvider);
    await provider.send(sb.url, 'incoming', 'dup-10');
    await provider.send(sb.url, 'incoming', 'dup-11');
    const again = await provider.send(sb.url, 'incoming', 'dup-10');
    t.equal(again.status, 200);
    t.match(again.said, /You are number 1 in the queue/, 'a repeated call webhook is told the same place');
    t.same(await queued(), [id('dup-10'), id('dup-11')], 'and does not queue the call twice');

    t.equal((await provider.send(sb.url, 'ended', 'dup-10')).status, 204);
    t.equal((await provider.send(sb.url, 'ended', 'dup-10')).status, 204);
    t.same(await queued(), [id('dup-11')]);
    let rows = await records();
    t.equal(rows.length, 1, 'one record for one call, however many status webhooks');
    t.equal(rows[0]!.outcome, 'abandoned');

    const wait = await provider.send(sb.url, 'wait', 'dup-10');
    t.ok(wait.hangsUp, 'a wait-loop request for an ended call hangs up');
    t.same(await queued(), [id('dup-11')], 'and does not bring it back');

    // The end of a call can reach us before its start.
    await provider.send(sb.url, 'ended', 'dup-12');
    const late = await provider.send(sb.url, 'incoming', 'dup-12');
    t.ok(late.hangsUp, 'a call webhook after the call ended hangs up');
    t.same(await queued(), [id('dup-11')]);
    rows = await records();
    t.same(rows.map((r) => r.outcome).sort(), ['abandoned', 'ivr']);

    t.equal((await provider.send(sb.url, 'progress', 'dup-11')).status, 204, 'non-final statuses are acknowledged');
    t.same(await queued(), [id('dup-11')], 'and leave the caller queued');
    const stale = await provider.send(sb.url, 'dial-no-answer', 'dup-11');
    t.equal(stale.status, 200);
    t.same(await queued(), [id('dup-11')], 'a dial result for a call not being connected changes nothing');
  });

  t.test('a lost caller the provider no longer knows (404) is over, not asked about again and again', async (t) => {
    const clock = movableClock(TUESDAY_1000);
    const { provider, sb, queued, records, id } = await setup(t, makeProvider, { clock });
    const checks = (callId: string) => sb.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'silent caller checked' && l.callId === callId).map((l) => l.status);
    const lost = await provider.placeCall('+447700900030', RIVERSIDE);
    await provider.hangUpUnreportedAndForgotten(lost);
    clock.advance(121_000);
    await provider.waitFor('the forgotten caller ended', async () => (await queued()).length === 0);
    t.same((await records()).map((r) => [r.callId, r.outcome]), [[id(lost.sid), 'abandoned']], 'recorded as abandoned');
    t.same(checks(id(lost.sid)), ['over'], 'asked once: a 404 means the call is over');
  });

  t.test('a caller whose final status webhook was lost is ended by asking the provider; a live caller is left waiting', async (t) => {
    const clock = movableClock(TUESDAY_1000);
    const { provider, sb, db, queued, records, id } = await setup(t, makeProvider, { clock });
    const checks = (callId: string) => sb.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'silent caller checked' && l.callId === callId).map((l) => l.status);
    // Nobody is free: both wait in the loop (a wait webhook every 30 s of call time).
    const lost = await provider.placeCall('+447700900010', RIVERSIDE);
    const live = await provider.placeCall('+447700900020', RIVERSIDE);
    await provider.hangUpUnreported(lost);
    // Quiet for a few sweeps, well under three wait loops: nobody is asked about, nothing changes.
    await new Promise((r) => setTimeout(r, 1000));
    t.same(await queued(), [id(lost.sid), id(live.sid)], 'a caller quiet for a short while keeps their place');
    t.equal(provider.liveRequests(), 0, 'and the provider is not asked');

    // Past 3 × 30 s + 30 s of silence the provider is asked: that call is over.
    clock.advance(121_000);
    await provider.waitFor('the lost caller ended', async () => (await queued()).length === 1);
    t.same(await queued(), [id(live.sid)], 'only the live caller is still counted');
    t.same((await records()).map((r) => [r.callId, r.outcome]), [[id(lost.sid), 'abandoned']], 'recorded as abandoned, as its status webhook would have');
    t.same(checks(id(lost.sid)), ['over'], 'the provider was asked once');

    // The live caller's next webhook is late: the provider is asked, says it is live, and it is left waiting.
    await db.zadd('sb:{U12345}:heard', 0, id(live.sid));
    await provider.waitFor('the live caller checked', () => checks(id(live.sid)).includes('live'));
    const heard = live.positions.length;
    await provider.waitFor('the live caller hears their place again', () => live.positions.length > heard);
    t.equal(live.positions.at(-1), 1, 'still waiting, now number 1');
    t.notOk(live.over);
    t.same(await queued(), [id(live.sid)]);
    t.equal((await records()).length, 1, 'no record for the live caller');
  });

  t.test('a caller in the menu whose final status webhook was lost is ended by asking the provider, and counted (CBT002)', async (t) => {
    const clock = movableClock(TUESDAY_1000);
    const menu = ', menu: { prompt: For reception press 1., timeoutSeconds: 30, options: { "1": { team: reception } } }';
    const { provider, sb, records, id } = await setup(t, makeProvider, { clock, extra: menu });
    provider.setTimeScale(1000); // the menu waits 30 real seconds for a key: the caller is still in it when they hang up
    const c = await provider.placeCall('+447700900030', RIVERSIDE, ['']);
    await provider.waitFor('the menu heard', () => c.heard.some((h) => /For reception press 1/.test(h)));
    await provider.hangUpUnreported(c);
    // Past 3 × 30 s + 30 s without a webhook the provider is asked: the call is over.
    clock.advance(121_000);
    const [record] = await until('the lost call ended', records, (r) => r.length === 1, 8000);
    t.match(record, { callId: id(c.sid), outcome: 'ivr', queuedAt: null }, 'recorded as ended in the IVR, as its status webhook would have');
    const stats = (await sb.api('GET', '/v1/stats?scope=practice:F81001&from=2026-11-24&measures=CBT001,CBT002', PRACTICE_TOKEN)).body.rows;
    t.same(stats, [{ period: '2026-11-24', CBT001: 1, CBT002: 1 }], 'counted once in CBT002');
  });

  t.test('no answer: the caller goes back to the head of the queue and the staff member is set away', async (t) => {
    const { provider, sb, db, records, id } = await setup(t, makeProvider);
    provider.setEndpoint(BOB_PHONE, { answer: 'no-answer' });
    await sb.api('PUT', '/v1/staff/bob/presence', PRACTICE_TOKEN, { state: 'available' });
    const c1 = await provider.placeCall('+447700900001', RIVERSIDE);
    await provider.waitFor('caller 1 rings Bob', () => c1.dialling === BOB_PHONE);
    const c2 = await provider.placeCall('+447700900002', RIVERSIDE);
    t.same(c2.positions, [1], 'caller 2 is first in the queue while Bob is rung for caller 1');
    // Bob's phone rings out (60 s, at the fakes' 10 ms a second).
    await provider.waitFor('caller 1 back in the queue', () => c1.heard.some((h) => /nobody could take your call/.test(h)));
    t.same(c1.positions.at(-1), 1, 'caller 1 is number 1 again, ahead of caller 2');
    await provider.waitFor('caller 2 hears position 2', () => c2.positions.at(-1) === 2);
    t.match(await db.hgetall('sb:{U12345}:staff:bob'), { presence: 'away', activity: 'idle' }, 'Bob is away');
    t.same((await sb.api('GET', '/v1/staff/bob', PRACTICE_TOKEN)).body, { staffId: 'bob', presence: 'away', activity: 'idle' });

    // Alice comes on: caller 1 (longest waiting) goes to her, at once.
    await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
    await provider.waitFor('caller 1 bridged to Alice', () => c1.bridged?.endpoint === ALICE_SIP);
    t.notOk(c2.bridged);
    await provider.hangUp(c1);
    await provider.hangUp(c2);
    t.match((await records()).find((r) => r.callId === id(c1.sid)), { outcome: 'answered', staff: 'alice', ringAttempts: 2 });
  });

  t.test('a caller who hangs up while a phone rings for them frees the staff member', async (t) => {
    const { provider, sb, db } = await setup(t, makeProvider);
    provider.setEndpoint(BOB_PHONE, { answer: 'no-answer' });
    await sb.api('PUT', '/v1/staff/bob/presence', PRACTICE_TOKEN, { state: 'available' });
    const c1 = await provider.placeCall('+447700900001', RIVERSIDE);
    await provider.waitFor('caller 1 rings Bob', () => c1.dialling === BOB_PHONE);
    await provider.hangUp(c1);
    // The end of the call and the end of the dial reach Switchboard in either order.
    await new Promise((r) => setTimeout(r, 200));
    t.match(await db.hgetall('sb:{U12345}:staff:bob'), { presence: 'available', activity: 'idle' }, 'Bob is available and idle, not away');
    const c2 = await provider.placeCall('+447700900002', RIVERSIDE);
    await provider.waitFor('the next caller rings Bob', () => c2.dialling === BOB_PHONE);
    await provider.hangUp(c2);
  });

  t.test('a caller paired while their first answer is still on its way is put through, not dropped', async (t) => {
    const { provider, sb, records, id } = await setup(t, makeProvider);
    // Bob signs in just as Switchboard answers the caller's first webhook ("number 1"), before the
    // provider has acted on that answer: the live-call API cannot reach the call yet.
    provider.beforeAnswer(async () => {
      provider.beforeAnswer(undefined);
      const before = provider.liveRequests();
      await sb.api('PUT', '/v1/staff/bob/presence', PRACTICE_TOKEN, { state: 'available' });
      await provider.waitFor('the connect reaches the provider too early', () => provider.liveRequests() > before);
    });
    const c1 = await provider.placeCall('+447700900001', RIVERSIDE);
    t.same(c1.positions, [1], 'nobody was free when the caller was queued');
    await provider.waitFor('caller 1 bridged to Bob', () => c1.bridged?.endpoint === BOB_PHONE);
    t.notOk(c1.over, 'the call goes on');
    t.ok(sb.logs.join('').includes('"result":"not-yet-answered"'), 'the early connect was seen for what it was');
    provider.staffHangsUp(c1);
    await provider.waitFor('caller 1 hung up', () => c1.over);
    await provider.waitFor('the record', async () => (await records()).find((r) => r.callId === id(c1.sid)));
    t.match((await records()).find((r) => r.callId === id(c1.sid)), { outcome: 'answered', staff: 'bob', ringAttempts: 1 }, "the refused connect rang nobody: one ring on the caller's record");
  });

  t.test('two service processes sharing one Redis never connect a caller twice', async (t) => {
    const redis = await privateRedis(t);
    const provider = await makeProvider(t);
    const yaml = conformanceYaml(provider.account(1), provider.account(2), provider.voice);
    const file = join(tmpdir(), `conformance-${provider.kind}-${process.pid}.yaml`);
    writeFileSync(file, yaml);
    const instances: string[] = [];
    const lb = await roundRobin(t, () => instances);
    const env = { REDIS_URL: redis.url, PUBLIC_URL: lb.url, DIRECTORY_FILE: file, ...provider.env };
    const [a, b] = await Promise.all([spawnSwitchboard(t, env), spawnSwitchboard(t, env)]);
    instances.push(a!.url, b!.url);
    provider.connect(parseDirectory(yaml), lb.url);

    const callers: TestCall[] = [];
    for (let i = 0; i < 12; i++) callers.push(await provider.placeCall(`+4477009001${String(i).padStart(2, '0')}`, RIVERSIDE));
    t.same(callers.map((c) => c.positions[0]), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 'positions are exact across both processes');

    // Both staff come on at the same moment, through different processes.
    const set = (url: string, staff: string) => fetch(`${url}/v1/staff/${staff}/presence`, { method: 'PUT', headers: { authorization: `Bearer ${PRACTICE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ state: 'available' }) });
    await Promise.all([set(a!.url, 'alice'), set(b!.url, 'bob')]);
    await provider.waitFor('two callers bridged', () => callers.filter((c) => c.bridged).length === 2);
    t.same(callers.filter((c) => c.bridged).map((c) => c.sid).sort(), [callers[0]!.sid, callers[1]!.sid].sort(), 'the two longest waiting are connected');
    await new Promise((r) => setTimeout(r, 500)); // both processes' sweeps run in this time
    t.equal(callers.filter((c) => c.bridged).length, 2, 'and nobody else');

    const perCall = provider.connectsPerCall();
    t.ok([...perCall.values()].every((n) => n === 1), 'each caller was connected by exactly one live-call update');
    t.equal([...perCall.values()].reduce((x, y) => x + y, 0), 2);
    // Those waiting hang up first, so nobody is left to connect when the two conversations end.
    for (const c of [...callers.filter((c) => !c.bridged), ...callers.filter((c) => c.bridged)]) await provider.hangUp(c);
    const res = await fetch(`${a!.url}/v1/practices/F81001/calls`, { headers: { authorization: `Bearer ${PRACTICE_TOKEN}` } });
    const calls = ((await res.json()) as { calls: { outcome: string }[] }).calls;
    t.equal(calls.length, 12, 'one record per call');
    t.same(calls.filter((c) => c.outcome === 'answered').length, 2);
  });

  t.test('call-back: offered, keeps the place, rings the staff member first, then the patient', async (t) => {
    const { provider, sb, db, records, callbacks, id } = await setup(t, makeProvider);
    const { a, b, c } = await callbackRequested(provider, sb, db);
    t.same(c.errors, [], 'no errors on the caller\'s call');
    t.notOk(offerHeard(b), 'number 1 (about 100 s to wait) is not offered a call-back');
    t.ok(offerHeard(c), 'number 2 (about 300 s to wait) is offered one');
    t.match(c.heard.at(-2), /the number you are calling from, ending in 0 0 3\. To confirm, press 1/);
    t.match(c.heard.at(-1), /You have kept your place in the queue\. We expect to call you back in about \d+ minutes\. The call will come from Riverside Surgery/);

    const d = await provider.placeCall('+447700900004', RIVERSIDE);
    t.same(d.positions, [3], 'the call-back holds its place: the next caller is number 3');
    t.match(await callbacks(), [{ status: 'pending', number: /•+003$/, attempts: 0, originCallId: id(c.sid) }]);

    // Alice serves the caller ahead; then the call-back comes to the front.
    provider.staffHangsUp(a);
    await provider.waitFor('caller 2 bridged', () => b.bridged);
    t.equal(provider.outbound().length, 0, 'no call-back is placed while nobody is free');
    provider.staffHangsUp(b);
    const staffLeg = await provider.waitFor('Alice rung for the call-back', () => provider.outbound()[0]);
    t.equal(staffLeg.to, ALICE_SIP, 'the staff member is rung first');
    await provider.waitFor('the patient bridged to Alice', () => staffLeg.bridged?.endpoint === PATIENT);
    t.match(staffLeg.heard[0], /Call-back to a patient who asked/, 'Alice hears what the call is before the patient is rung');
    provider.checkPlaceCall(t, staffLeg, 'alice', PATIENT);
    t.notOk(d.bridged, 'caller 4 still waits');
    t.equal((await callbacks())[0]!.status, 'in-progress');

    provider.staffHangsUp(staffLeg); // the conversation ends
    await provider.waitFor('the staff leg ends', () => staffLeg.over);
    t.same(staffLeg.errors, [], 'no errors on the staff leg');
    const [made] = await until('the call-back completed', callbacks, (l) => l[0]?.status === 'completed');
    t.match(made, { status: 'completed', attempts: 1 }, 'made at the first try: one attempt');
    t.ok((made!.timeToAnswerSeconds as number) >= 0, "time to answer from the patient's first ring is recorded");
    await provider.waitFor('caller 4 bridged after wrap-up', () => d.bridged);
    await provider.hangUp(d);
    t.equal((await records()).find((r) => r.callId === id(c.sid))?.outcome, 'callback-requested', "the patient's own call is recorded as a call-back request");
    t.notOk(sb.logs.join('').includes('7700900003'), 'the number to call back never reaches the logs');
  });

  t.test('call-back: not answered, retried after callbackRetrySeconds, then failed and kept for staff', async (t) => {
    // The clock runs 20× faster so a 30-second retry wait takes a second and a half.
    const { provider, sb, db, callbacks } = await setup(t, makeProvider, { extra: ', callbackRetrySeconds: 30, callbackAttempts: 2', env: { CLOCK_SPEED: '20' } });
    await busyMorning(db);
    provider.setEndpoint(PATIENT, { answer: 'no-answer' });
    await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
    const a = await provider.placeCall('+447700900001', RIVERSIDE);
    await provider.waitFor('caller 1 bridged to Alice', () => a.bridged?.endpoint === ALICE_SIP);
    const w = await provider.placeCall('+447700900002', RIVERSIDE);
    const c = await provider.placeCall(PATIENT, RIVERSIDE, ['1', '1']);
    await provider.waitFor('caller 3 hung up', () => c.over);
    await provider.hangUp(w); // the caller ahead gives up, so Alice's next is the call-back
    provider.staffHangsUp(a);
    const [failed] = await until('the call-back to fail', callbacks, (l) => l[0]?.status === 'failed');
    t.match(failed, { status: 'failed', attempts: 2, failure: 'not-answered' }, 'after the last attempt it is failed and listed');
    const legs = provider.outbound();
    t.equal(legs.length, 2, 'two attempts');
    t.ok(legs.every((l) => l.to === ALICE_SIP && l.heard.some((h) => /Call-back to a patient/.test(h))), 'each rang the staff member first');
    await provider.waitFor('both staff legs over', () => legs.every((l) => l.over));
    t.same(legs.flatMap((l) => l.errors), [], 'no errors on the staff legs');
    t.match(await db.hgetall('sb:{U12345}:staff:alice'), { presence: 'available' }, 'Alice stays available: the patient, not she, did not answer');
  });
}
