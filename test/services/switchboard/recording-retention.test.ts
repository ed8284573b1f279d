import t from 'tap';
import { parseDirectory } from '../../../shared/directory/load.js';
import { FakeTwilio } from '../../fakes/twilio.js';
import { ALICE_SIP, PRACTICE_TOKEN, RIVERSIDE, TUESDAY_1000 } from '../../fixtures/directories.js';
import { conformanceYaml } from '../../conformance/suite.js';
import { until } from '../../helpers/poll.js';
import { privateRedis } from '../../helpers/redis.js';
import { movableClock, startSwitchboard } from '../../helpers/switchboard.js';

const account = (n: 1 | 2) => `{ kind: twilio, accountSid: AC0000000000000000000000000000000${n}, authToken: ${n === 1 ? 'riverside' : 'grays'}-secret }`;
const DAY = 86_400_000;

t.test('retention: each recording deleted at the provider exactly once when its retention ends, a held one kept until released, across restarts of every process and of Redis', async (t) => {
  const redis = await privateRedis(t);
  const db = redis.connect();
  const fake = await new FakeTwilio().start();
  t.teardown(() => fake.stop());
  const clock = movableClock(TUESDAY_1000);
  const directory = parseDirectory(conformanceYaml(account(1), account(2), 'Polly.Amy', ', recording: { mode: answered, retentionDays: 365 }'), 'retention');
  const env = { RECORDING_RETENTION_INTERVAL_MS: '200' };
  const first = await startSwitchboard(t, { redisUrl: redis.url, directory, twilio: fake, clock, env });
  const api = (sb: typeof first, method: string, path: string, body?: unknown) => sb.api(method, path, PRACTICE_TOKEN, body);
  const recordingPath = (sid: string) => `/v1/practices/F81001/calls/${encodeURIComponent(`twilio:${sid}`)}/recording`;

  // Three recorded calls, a day apart.
  await api(first, 'PUT', '/v1/staff/alice/presence', { state: 'available' });
  const sids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const c = await fake.placeCall(`+44770090000${i}`, RIVERSIDE);
    await fake.waitFor('bridged to Alice', () => c.bridged?.endpoint === ALICE_SIP);
    fake.staffHangsUp(c);
    await fake.waitFor('call over', () => c.over);
    await until('recording completed', () => api(first, 'GET', recordingPath(c.sid)), (r) => r.body.status === 'completed');
    sids.push(c.sid);
    clock.advance(DAY);
  }
  const [kept, held, lost] = sids.map((sid) => [...fake.recordings.values()].find((r) => r.callSid === sid)!) as [NonNullable<ReturnType<typeof fake.recordings.get>>, NonNullable<ReturnType<typeof fake.recordings.get>>, NonNullable<ReturnType<typeof fake.recordings.get>>];
  t.equal((await api(first, 'PUT', `${recordingPath(held.callSid)}/hold`, { held: true })).status, 200, 'the second is held: a complaint');
  // The third the provider lost on its own (deleted in its console): it will answer 404.
  lost.deletes = 1;
  const deletes = (id: string) => fake.restRequests.filter((r) => r.path.endsWith(`/Recordings/${id}.json`) && r.status !== 200).length;
  const runs = async () => db.zcard('sb:{recordings}:recording-retention:completed');
  await until('a retention run', runs, (n) => n > 0);
  t.same([kept, held, lost].map((r) => deletes(r.id)), [0, 0, 0], 'nothing is deleted before its retention is over');

  // Every process stops, then Redis restarts; a year and more later, two new processes take over.
  await first.app.close();
  await redis.restart();
  clock.advance(365 * DAY);
  const [a, b] = [await startSwitchboard(t, { redisUrl: redis.url, directory, twilio: fake, clock, env }), await startSwitchboard(t, { redisUrl: redis.url, directory, twilio: fake, clock, env })];

  await fake.waitFor('the first recording deleted at the provider', () => kept.deleted);
  await until('the lost one removed from the index', () => api(a, 'GET', recordingPath(lost.callSid)), (r) => r.status === 404);
  t.equal((await api(b, 'GET', recordingPath(kept.callSid))).status, 404, 'the deleted one is gone from the index');
  const settled = await runs();
  await until('three more retention runs', runs, (n) => n >= settled + 3);
  t.equal(kept.deletes, 1, 'deleted once at the provider');
  t.equal(deletes(kept.id), 1, 'with one DELETE, though two processes were running');
  t.equal(deletes(lost.id), 1, 'the recording the provider no longer had: asked once (404), not again');
  t.equal(held.deletes, 0, 'the held recording is kept past its retention');
  t.equal(deletes(held.id), 0);
  t.match((await api(a, 'GET', recordingPath(held.callSid))).body, { held: true, deleteAfter: null, status: 'completed' });

  // Released after the complaint: past its retention, it goes at the next run.
  t.equal((await api(b, 'PUT', `${recordingPath(held.callSid)}/hold`, { held: false })).body.held, false);
  await fake.waitFor('the released recording deleted', () => held.deleted);
  const later = await runs();
  await until('three more retention runs', runs, (n) => n >= later + 3);
  t.equal(deletes(held.id), 1, 'deleted once');
  const audit = (await api(a, 'GET', '/v1/practices/F81001/audit')).body.entries as { action: string; callId: string; outcome?: string }[];
  t.same(
    audit.filter((e) => e.action === 'recording-deleted').map((e) => [e.callId, e.outcome]).sort(),
    [
      [`twilio:${kept.callSid}`, 'deleted at the end of retention'],
      [`twilio:${held.callSid}`, 'deleted at the end of retention'],
      [`twilio:${lost.callSid}`, 'the provider no longer had it'],
    ].sort(),
    'each deletion audited once',
  );
  t.same(await db.zrange('sb:{U12345}:recdue', 0, -1), [], 'nothing left to delete');
});
