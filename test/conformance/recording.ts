/**
 * Call recording, as every provider adapter must do it: recorded from the answer when the practice
 * records and not when it does not, the announcement before the queue, pause and resume mid-call
 * through the provider's API, the provider's reports signed and checked (forged ones refused),
 * playback streamed to a signed-in practice manager only and audited, and nothing of the audio, its
 * URL or a credential in Redis, the logs or the statistics.
 */
import type { Test } from 'tap';
import { cookieHeader, signInOverHttp } from '../helpers/browserless.js';
import { reserveIssuer, signInYaml, startOidcProvider, TEST_USERS } from '../helpers/oidc.js';
import { until } from '../helpers/poll.js';
import { ALICE_SIP, PRACTICE_TOKEN, RIVERSIDE } from '../fixtures/directories.js';
import type { ProviderFactory } from './provider.js';
import { callbackRequested, PATIENT, setup } from './suite.js';

const ANNOUNCEMENT = 'Calls to Riverside Surgery are recorded for your care and for training.';
const RECORDING_ON = `, recording: { mode: answered, announcement: "${ANNOUNCEMENT}", retentionDays: 365 }`;
const MANAGER = TEST_USERS.manager;
/** Riverside's practice manager, and Alice, sign in with their NHS identities. */
const withManager = (issuer: string) => (yaml: string) =>
  yaml
    .replace('access:\n', `access:\n  - { identity: ${MANAGER.email.toLowerCase()}, role: practice, practice: F81001 }\n`)
    .replace('{ id: alice, name: Alice,', `{ id: alice, name: Alice, identity: ${TEST_USERS.alice.email.toLowerCase()},`) + signInYaml(issuer);

/** Every key and value in a Redis, as text: what a dump of it would show. */
async function redisText(db: import('ioredis').Redis): Promise<string> {
  const out: string[] = [];
  for (const key of await db.keys('*')) {
    const type = await db.type(key);
    out.push(key);
    if (type === 'string') out.push((await db.getBuffer(key))?.toString('latin1') ?? '');
    if (type === 'hash') out.push(JSON.stringify(await db.hgetall(key)));
    if (type === 'zset' || type === 'list') out.push(JSON.stringify(type === 'zset' ? await db.zrange(key, 0, -1) : await db.lrange(key, 0, -1)));
    if (type === 'set') out.push(JSON.stringify(await db.smembers(key)));
    if (type === 'stream') out.push(JSON.stringify(await db.xrange(key, '-', '+')));
  }
  return out.join('\n');
}

export function recordingConformance(t: Test, makeProvider: ProviderFactory): void {
  t.test('recording: from the answer, announced, paused and resumed mid-call, played only to a signed-in manager, audited; nothing of it kept', async (t) => {
    const at = await reserveIssuer();
    const { provider, sb, db, records, id } = await setup(t, makeProvider, { extra: RECORDING_ON, yaml: withManager(at.issuer) });
    await startOidcProvider(t, at, sb.url);
    await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });

    const c = await provider.placeCall('+447700900001', RIVERSIDE);
    await provider.waitFor('the caller bridged to Alice', () => c.bridged?.endpoint === ALICE_SIP);
    const answeredAt = c.bridged!.answeredAt;
    const announced = c.heard.indexOf(ANNOUNCEMENT);
    t.ok(announced > 0, "the practice's announcement is played");
    t.ok(announced < c.heard.findIndex((h) => /Putting you through/.test(h)), 'before the caller is put through');

    const recording = await provider.waitFor('the provider records the call', () => provider.recordings()[0]);
    t.equal(provider.recordings().length, 1, 'one recording');
    t.equal(recording.callSid, c.sid, "the caller's call is recorded");
    t.ok(recording.startedAt >= answeredAt, 'from the answer, not before');
    const path = `/v1/practices/F81001/calls/${encodeURIComponent(id(c.sid))}/recording`;
    const indexed = await until('Switchboard indexes the recording', () => sb.api('GET', path, PRACTICE_TOKEN), (r) => r.status === 200);
    t.match(indexed.body, { callId: id(c.sid), provider: provider.kind, status: 'recording', pauses: 0, held: false }, 'indexed while it runs');
    // A manager asking to play it while the call goes on is told to wait: the recording is not marked missing, and can still be paused.
    const manager = cookieHeader((await signInOverHttp(sb.url, MANAGER.login, MANAGER.password, '/reports')).jar, sb.url);
    const tooSoon = await fetch(`${sb.url}${path}/audio`, { headers: { cookie: manager } });
    t.equal(tooSoon.status, 409, 'not playable while the call is recorded');
    t.match(((await tooSoon.json()) as { detail: string }).detail, /the recording is recording: it can be played once the call has ended/);
    t.equal((await sb.api('GET', path, PRACTICE_TOKEN)).body.status, 'recording', 'and still recording, not missing');

    // A card number: Alice pauses, then resumes, from her panel (here with the practice's token).
    const paused = await sb.api('POST', '/v1/staff/alice/recording/pause', PRACTICE_TOKEN);
    t.equal(paused.status, 200, 'paused');
    t.match(paused.body, { status: 'paused', pauses: 1 });
    t.equal(recording.status, 'paused', "and the provider's recording is paused");
    t.equal((await sb.api('POST', '/v1/staff/alice/recording/pause', PRACTICE_TOKEN)).status, 409, 'a second pause changes nothing');
    t.equal(recording.pauses.length, 1);
    const resumed = await sb.api('POST', '/v1/staff/alice/recording/resume', PRACTICE_TOKEN);
    t.match(resumed.body, { status: 'recording', pauses: 1 }, 'resumed');
    t.equal(recording.status, 'in-progress');
    t.ok(recording.pauses[0]!.resumedAt, "the provider's pause ended");
    t.equal((await sb.api('POST', '/v1/staff/bob/recording/pause', PRACTICE_TOKEN)).status, 409, 'Bob is on no call: nothing to pause');

    provider.staffHangsUp(c);
    await provider.waitFor('the call over', () => c.over);
    const done = await until('the recording completed', () => sb.api('GET', path, PRACTICE_TOKEN), (r) => r.body.status === 'completed');
    t.match(done.body, { status: 'completed', pauses: 1, held: false }, 'completed, with its pause');
    t.ok((done.body.durationSeconds as number) >= 0, 'with a duration');
    t.equal(Date.parse(done.body.deleteAfter as string) - Date.parse(done.body.startedAt as string), 365 * 86_400_000, 'deleted after the practice\'s retention');
    const record = await until('the call record', records, (r) => r.length === 1);
    t.match(record[0], { callId: id(c.sid), recording: { status: 'completed', pauses: 1 } }, 'the pause is marked in the call record');

    // Playback: machines and staff never; a signed-in practice manager, streamed through Switchboard.
    const audio = `${sb.url}${path}/audio`;
    t.equal((await fetch(audio, { headers: { authorization: `Bearer ${PRACTICE_TOKEN}` } })).status, 403, "the practice's machine token may not play it");
    t.equal((await fetch(audio)).status, 401, 'nor anyone not signed in');
    const alice = cookieHeader((await signInOverHttp(sb.url, TEST_USERS.alice.login, TEST_USERS.alice.password)).jar, sb.url);
    t.equal((await fetch(audio, { headers: { cookie: alice } })).status, 403, 'nor Alice, who took the call, signed in as herself');
    t.equal(recording.plays, 0, 'none of them reached the provider');
    const cookie = cookieHeader((await signInOverHttp(sb.url, MANAGER.login, MANAGER.password, '/reports')).jar, sb.url);
    const played = await fetch(audio, { headers: { cookie } });
    t.equal(played.status, 200, 'the practice manager plays it');
    t.match(played.headers.get('content-type'), /^audio\//);
    const bytes = Buffer.from(await played.arrayBuffer());
    t.same(bytes, recording.audio(), "the provider's audio, streamed");
    t.equal(recording.plays, 1, 'fetched from the provider once, for this play');
    const headers = JSON.stringify([...played.headers]);
    t.notOk(headers.includes(new URL(provider.env.TWILIO_API_BASE ?? provider.env.JAMBONZ_API_BASE!).host), 'no provider address reaches the browser');
    t.notOk(/authorization|basic |bearer /i.test(headers), 'nor any credential');
    const audit = (await sb.api('GET', '/v1/practices/F81001/audit', PRACTICE_TOKEN)).body.entries as Record<string, unknown>[];
    t.match(audit.find((e) => e.action === 'recording-played'), { actor: `oidc:${MANAGER.email.toLowerCase()}`, callId: id(c.sid), outcome: 'streamed' }, 'the play is audited: who, when, which call');
    t.match(audit.filter((e) => e.action === 'recording-paused' || e.action === 'recording-resumed').map((e) => e.action), ['recording-resumed', 'recording-paused'], 'so are the pause and the resume');

    // Held (a complaint), then released: only the practice.
    t.equal((await sb.api('PUT', `${path}/hold`, PRACTICE_TOKEN, { held: true })).body.held, true, 'held');
    t.equal((await sb.api('GET', path, PRACTICE_TOKEN)).body.deleteAfter, null, 'not deleted while held');
    t.equal((await sb.api('PUT', `${path}/hold`, PRACTICE_TOKEN, { held: false })).body.held, false, 'released');

    // The provider lost it (deleted in its console): playing says so, and the index marks it.
    recording.deletes = 1;
    t.equal((await fetch(audio, { headers: { cookie } })).status, 410, 'a recording the provider no longer has: 410');
    t.equal((await sb.api('GET', path, PRACTICE_TOKEN)).body.status, 'missing', 'marked missing');

    // Nothing of the audio, its URL, a credential or a transcript in Redis, the logs or the statistics.
    const stats = JSON.stringify((await sb.api('GET', '/v1/stats?scope=practice:F81001&granularity=day', PRACTICE_TOKEN)).body);
    const secrets = [/ID3/, /fake audio of/, /https?:\/\/[^"\s]*\/(Recordings|RecentCalls)\//, /RecordingUrl/, /riverside-secret|wh_secret_riverside|5b1e3c2d-6e7f-4a81-9bac-1d2e3f4a5b01/, /transcri/i];
    const places = { redis: await redisText(db), logs: sb.logs.join(''), statistics: stats };
    for (const [where, text] of Object.entries(places)) {
      for (const secret of secrets) t.notMatch(text, secret, `no ${secret} in ${where}`);
    }
    t.match(places.redis, recording.id.split('/').at(-1)!.replace(/\.mp3$/, ''), "the index holds the provider's id (a check that the dump was read)");
  });

  t.test('recording: nothing recorded or announced when the practice does not record', async (t) => {
    const { provider, sb, id } = await setup(t, makeProvider);
    await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
    const c = await provider.placeCall('+447700900001', RIVERSIDE);
    await provider.waitFor('the caller bridged to Alice', () => c.bridged?.endpoint === ALICE_SIP);
    t.notOk(c.heard.some((h) => /recorded/i.test(h)), 'no announcement');
    t.equal((await sb.api('POST', '/v1/staff/alice/recording/pause', PRACTICE_TOKEN)).status, 409, 'nothing to pause');
    provider.staffHangsUp(c);
    await provider.waitFor('the call over', () => c.over);
    t.same(provider.recordings(), [], 'the provider recorded nothing');
    t.equal((await sb.api('GET', `/v1/practices/F81001/calls/${encodeURIComponent(id(c.sid))}/recording`, PRACTICE_TOKEN)).status, 404, 'and nothing is indexed');
  });

  t.test('recording: reports of a recording not signed by the practice\'s account are refused and change nothing', async (t) => {
    const { provider, sb, id } = await setup(t, makeProvider, { extra: RECORDING_ON });
    await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
    provider.setEndpoint(ALICE_SIP, { answer: 'no-answer' });
    const c = await provider.placeCall('+447700900001', RIVERSIDE);
    await provider.waitFor('Alice rung', () => c.dialling === ALICE_SIP);
    for (const forgery of provider.recordingForgeries(sb.url, c.sid)) t.equal(await forgery.send(), 403, `${forgery.name}: refused`);
    t.equal((await sb.api('GET', `/v1/practices/F81001/calls/${encodeURIComponent(id(c.sid))}/recording`, PRACTICE_TOKEN)).status, 404, 'no recording indexed');
    t.same(provider.recordings(), [], 'and none started');
    await provider.hangUp(c);
  });

  t.test('recording: a practice that records call-backs too records each from the moment the patient answers', async (t) => {
    const { provider, sb, db, callbacks } = await setup(t, makeProvider, { extra: ', recording: { mode: answered-and-callbacks }' });
    const { a, b } = await callbackRequested(provider, sb, db);
    await provider.hangUp(b);
    provider.staffHangsUp(a);
    const staffLeg = await provider.waitFor('Alice rung for the call-back', () => provider.outbound()[0]);
    await provider.waitFor('the patient bridged to Alice', () => staffLeg.bridged?.endpoint === PATIENT);
    const recording = await provider.waitFor('the call-back recorded', () => provider.recordings().find((r) => r.callSid === staffLeg.sid));
    t.ok(recording.startedAt >= staffLeg.bridged!.answeredAt, 'from the moment the patient answered');
    const [cb] = (await callbacks()) as { id: string }[];
    const path = `/v1/practices/F81001/calls/${encodeURIComponent(`cb:${cb!.id}`)}/recording`;
    t.match((await until('indexed', () => sb.api('GET', path, PRACTICE_TOKEN), (r) => r.status === 200)).body, { callId: `cb:${cb!.id}`, status: 'recording' }, 'indexed under the call-back');
    t.equal((await sb.api('POST', '/v1/staff/alice/recording/pause', PRACTICE_TOKEN)).status, 200, 'and Alice can pause it');
    t.equal(recording.status, 'paused');
    provider.staffHangsUp(staffLeg);
    await provider.waitFor('the staff leg over', () => staffLeg.over);
    t.match((await until('completed', () => sb.api('GET', path, PRACTICE_TOKEN), (r) => r.body.status === 'completed')).body, { pauses: 1 });
    t.equal(provider.recordings().length, 2, "two recordings: caller 1's call and the call-back (caller 2 reached nobody)");
  });
}
