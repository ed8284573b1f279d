import t from 'tap';
import { until } from '../helpers/poll.js';
import { parseDirectory } from '../../shared/directory/load.js';
import { privateRedis } from '../helpers/redis.js';
import { startSwitchboard } from '../helpers/switchboard.js';
import { ALICE_SIP, PRACTICE_TOKEN, RIVERSIDE } from '../fixtures/directories.js';
import type { TestCall } from './provider.js';
import { jambonzProvider } from './providers/jambonz.js';
import { twilioProvider } from './providers/twilio.js';

const GRAYS = '+441375100002';
const CAROL_PHONE = '+441375100077';

t.test('practices on Twilio and on jambonz in one PCN share a team queue: positions and connect order exact across providers', async (t) => {
  const redis = await privateRedis(t);
  const [twilio, jambonz] = await Promise.all([twilioProvider(t), jambonzProvider(t)]);
  const yaml = `icb: { code: QH8, name: Mid and South Essex ICB }
pcns: [{ code: U12345, name: Thurrock Riverside PCN, teams: [{ id: hub, name: PCN hub }] }]
practices:
  - { ods: F81001, name: Riverside Surgery, pcn: U12345, numbers: ["${RIVERSIDE}"], wrapUpSeconds: 1, provider: ${twilio.account(1)}, teams: [{ id: reception, name: Reception }],
      priorityLines: [{ name: hub line, to: ["${RIVERSIDE}"], team: hub }] }
  - { ods: F81002, name: Grays Health Centre, pcn: U12345, numbers: ["${GRAYS}"], wrapUpSeconds: 1, provider: ${jambonz.account(1)}, teams: [{ id: reception, name: Reception }],
      priorityLines: [{ name: hub line, to: ["${GRAYS}"], team: hub }] }
staff:
  - { id: alice, name: Alice, practice: F81001, endpoint: "${ALICE_SIP}", teams: [hub] }
  - { id: carol, name: Carol, practice: F81002, endpoint: "${CAROL_PHONE}", teams: [hub] }
access:
  - { token: ${PRACTICE_TOKEN}, role: practice, practice: F81001 }
  - { token: grays-practice-token, role: practice, practice: F81002 }
`;
  // Both practices' numbers are lines straight to the PCN's shared hub team (no menu to press through).
  const directory = parseDirectory(yaml, 'mixed-pcn');
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory, env: { ...twilio.env, ...jambonz.env } });
  twilio.connect(directory, sb.url);
  jambonz.connect(directory, sb.url);
  const db = redis.connect();

  // Callers of both practices, alternating providers, join one queue.
  const t1 = await twilio.placeCall('+447700900001', RIVERSIDE);
  const j1 = await jambonz.placeCall('+447700900002', GRAYS);
  const t2 = await twilio.placeCall('+447700900003', RIVERSIDE);
  const j2 = await jambonz.placeCall('+447700900004', GRAYS);
  const t3 = await twilio.placeCall('+447700900005', RIVERSIDE);
  const all = [t1, j1, t2, j2, t3];
  for (const c of all) t.same(c.errors, [], `caller ${c.from} had no errors`);
  t.same(all.map((c) => c.positions[0]), [1, 2, 3, 4, 5], 'positions on joining are exact across providers');
  t.same(await db.zrange('sb:{U12345}:q:U12345.hub', 0, -1), ['twilio:' + t1.sid, 'jambonz:' + j1.sid, 'twilio:' + t2.sid, 'jambonz:' + j2.sid, 'twilio:' + t3.sid], 'one queue');
  t.match(j1.heard[0], /Thank you for calling Grays Health Centre/, "each caller hears their own practice's name");
  t.match(t1.heard[0], /Thank you for calling Riverside Surgery/);

  const bridgedNow = () => all.filter((c) => c.bridged);
  const serve = async (caller: TestCall, endpoint: string, by: typeof twilio) => {
    await by.waitFor(`${caller.from} bridged to ${endpoint}`, () => caller.bridged?.endpoint === endpoint);
    return bridgedNow().map((c) => c.from);
  };

  // Alice (Riverside) comes on: the head of the queue, on Twilio. Carol (Grays) next: a jambonz caller.
  await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
  t.same(await serve(t1, ALICE_SIP, twilio), [t1.from], 'Twilio caller 1 first');
  await sb.api('PUT', '/v1/staff/carol/presence', 'grays-practice-token', { state: 'available' });
  t.same(await serve(j1, CAROL_PHONE, jambonz), [t1.from, j1.from], 'then jambonz caller 1');
  await jambonz.waitFor('the others hear they moved up', () => t2.positions.at(-1) === 1 && j2.positions.at(-1) === 2 && t3.positions.at(-1) === 3);

  // Carol finishes first: after her wrap-up she rings Riverside's Twilio caller; then Alice a Grays caller.
  jambonz.staffHangsUp(j1);
  t.same(await serve(t2, CAROL_PHONE, twilio), [t1.from, t2.from], 'Grays staff serve a Riverside caller through Twilio');
  twilio.staffHangsUp(t1);
  t.same(await serve(j2, ALICE_SIP, jambonz), [t2.from, j2.from], 'Riverside staff serve a Grays caller through jambonz');
  twilio.staffHangsUp(t2);
  t.same(await serve(t3, CAROL_PHONE, twilio), [j2.from, t3.from], 'and the last caller is served last');
  for (const c of [t2, j2, t3]) t.ok(c.positions.every((x, i) => i === 0 || x <= c.positions[i - 1]!), `positions heard by ${c.from} only go down: ${c.positions}`);
  jambonz.staffHangsUp(j2);
  twilio.staffHangsUp(t3);
  await jambonz.waitFor('everyone served and gone', () => all.every((c) => c.over));

  // Each practice's records, with the staff member of either practice who answered (once the
  // last status webhooks, sent as the calls ended, have been handled).
  const records = async (ods: string, token: string, count: number) => {
    const read = async () => (await sb.api('GET', `/v1/practices/${ods}/calls`, token)).body.calls as Record<string, unknown>[];
    const rows = await until(`${count} records of ${ods}`, read, (r) => r.length >= count).catch(read);
    return rows.map((r) => [r.callId, r.outcome, r.staff]);
  };
  t.same(await records('F81001', PRACTICE_TOKEN, 3), [[`twilio:${t1.sid}`, 'answered', 'alice'], [`twilio:${t2.sid}`, 'answered', 'carol'], [`twilio:${t3.sid}`, 'answered', 'carol']]);
  t.same(await records('F81002', 'grays-practice-token', 2), [[`jambonz:${j1.sid}`, 'answered', 'carol'], [`jambonz:${j2.sid}`, 'answered', 'alice']]);
  t.same([...jambonz.connectsPerCall().keys()].sort(), [j1.sid, j2.sid].sort(), 'jambonz callers were connected through the jambonz REST API');
  t.same([...twilio.connectsPerCall().keys()].sort(), [t1.sid, t2.sid, t3.sid].sort(), 'Twilio callers through the Calls API');
});

t.test("one provider's signed webhook is refused for a practice on the other", async (t) => {
  const redis = await privateRedis(t);
  const [twilio, jambonz] = await Promise.all([twilioProvider(t), jambonzProvider(t)]);
  // Both practices answer as F81001 in turn: one on Twilio, one on jambonz, same account credentials.
  for (const [practiceOn, other] of [[twilio, jambonz], [jambonz, twilio]] as const) {
    const yaml = `icb: { code: QH8, name: Mid and South Essex ICB }
practices:
  - { ods: F81001, name: Riverside Surgery, numbers: ["${RIVERSIDE}"], provider: ${practiceOn.account(1)}, teams: [{ id: reception, name: Reception }] }
`;
    const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: parseDirectory(yaml, 'one'), env: { ...twilio.env, ...jambonz.env } });
    t.equal((await other.send(sb.url, 'incoming', `cross-${other.kind}`)).status, 403, `a ${other.kind} call webhook for a practice on ${practiceOn.kind}: 403`);
    t.equal((await practiceOn.send(sb.url, 'incoming', `own-${practiceOn.kind}`)).status, 200, `while its own ${practiceOn.kind} webhook is answered`);
  }
});
