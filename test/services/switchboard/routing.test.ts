import t, { type Test } from 'tap';
import { FakeTwilio, type FakeCall } from '../../fakes/twilio.js';
import { privateRedis } from '../../helpers/redis.js';
import { movableClock, startSwitchboard } from '../../helpers/switchboard.js';
import { GRAYS, GRAYS_TOKEN, PRACTICE_TOKEN, pcnDirectory, RIVERSIDE, RIVERSIDE_PROFESSIONALS, TUESDAY_1000 } from '../../fixtures/directories.js';

async function setup(t: Test, start = TUESDAY_1000) {
  const redis = await privateRedis(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  const clock = movableClock(start);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: pcnDirectory(), twilio, clock });
  const db = redis.connect();
  const queue = (team: string) => db.zrange(`sb:{U12345}:q:${team}`, 0, -1);
  const records = async (ods = 'F81001', token = PRACTICE_TOKEN) => {
    const date = new Date(clock.now()).toISOString().slice(0, 10);
    return (await sb.api('GET', `/v1/practices/${ods}/calls?date=${date}`, token)).body.calls as Record<string, unknown>[];
  };
  /** The call's record, once its status callback has been handled. */
  const record = (c: FakeCall, ods?: string, token?: string) => twilio.waitFor(`record of ${c.from}`, async () => (await records(ods, token)).find((r) => r.callId === `twilio:${c.sid}`));
  const available = (staff: string, token = PRACTICE_TOKEN) => sb.api('PUT', `/v1/staff/${staff}/presence`, token, { state: 'available' });
  const queued = (c: FakeCall) => `twilio:${c.sid}`;
  return { sb, twilio, clock, db, queue, records, record, available, queued };
}

t.test('every menu path, and wrong or no keys', async (t) => {
  const { twilio, queue, record, queued } = await setup(t);
  const c1 = await twilio.placeCall('+447700900001', RIVERSIDE, ['1']);
  await twilio.waitFor('menu 1 → reception', async () => (await queue('F81001.reception')).includes(queued(c1)));
  t.match(c1.heard[0], 'Thank you for calling Riverside Surgery.');
  t.match(c1.heard[1], /If your life is in danger, hang up and dial 999/, 'the emergency preamble comes before the menu');
  t.match(c1.menusHeard[0], /For appointments press 1/);
  await twilio.waitFor('position heard', () => c1.positions.length > 0);
  t.same(c1.positions, [1]);

  const c2 = await twilio.placeCall('+447700900002', RIVERSIDE, ['2']);
  await twilio.waitFor('menu 2 → PCN medicines team', () => c2.positions.length > 0);
  t.same(await queue('U12345.medicines'), [queued(c2)]);

  const c3 = await twilio.placeCall('+447700900003', RIVERSIDE, ['3']);
  await twilio.waitFor('menu 3 → message, then goodbye', () => c3.over);
  t.match(c3.heard.join(' '), /Test results are in the NHS App.*Goodbye/);

  const c4 = await twilio.placeCall('+447700900004', RIVERSIDE, ['4', '1']);
  await twilio.waitFor('menu 4 then 1 → the hub', () => c4.positions.length > 0);
  t.match(c4.menusHeard[1], /care coordinator/, 'a nested menu');
  t.same(await queue('U12345.hub'), [queued(c4)]);

  const c5 = await twilio.placeCall('+447700900005', RIVERSIDE, ['4', '2']);
  await twilio.waitFor('menu 4 then 2 → an outside number', () => c5.bridged);
  t.equal(c5.bridged?.endpoint, '+441375200000');
  t.match(c5.heard.at(-1), /Transferring/);
  twilio.staffHangsUp(c5);
  await twilio.waitFor('transfer over', () => c5.over);

  const c6 = await twilio.placeCall('+447700900006', RIVERSIDE, ['9', '1']);
  await twilio.waitFor('wrong key, then 1', () => c6.positions.length > 0);
  t.match(c6.heard.join(' '), /Sorry, that is not one of the options\./);
  t.equal(c6.menusHeard.length, 2, 'the menu is played again');

  const c7 = await twilio.placeCall('+447700900007', RIVERSIDE, ['', '7']);
  await twilio.waitFor('no key, then a wrong one: to the default team', () => c7.positions.length > 0);
  t.match(c7.heard.join(' '), /we did not hear a choice.*We will put you through to Reception\./);
  t.equal(c7.menusHeard.length, 2, 'played attempts (2) times, never cut off');
  t.equal((await queue('F81001.reception')).at(-1), queued(c7));

  const c8 = await twilio.placeCall('+447700900008', RIVERSIDE, []);
  await twilio.waitFor('hangs up during the menu', () => c8.menusHeard.length > 0);
  await twilio.hangUp(c8);

  for (const c of [c1, c2, c4, c6, c7]) await twilio.hangUp(c);
  t.match(await record(c1), { outcome: 'abandoned', route: 'menu:1', team: 'F81001.reception' });
  t.match(await record(c2), { outcome: 'abandoned', route: 'menu:2', team: 'U12345.medicines' });
  t.match(await record(c3), { outcome: 'ivr', queuedAt: null, team: '' }, 'a message and goodbye is an IVR outcome (CBT002)');
  t.match(await record(c4), { route: 'menu:41', team: 'U12345.hub' });
  t.match(await record(c5), { outcome: 'ivr' }, 'diverted elsewhere is an IVR outcome');
  t.match(await record(c7), { route: 'menu:default' });
  t.match(await record(c8), { outcome: 'ivr', closed: false }, 'hung up in the menu: ivr, not abandoned');
  for (const c of [c1, c2, c3, c4, c5, c6, c7, c8]) t.same(c.errors, []);
});

t.test('closed: bank holiday, lunchtime, ad-hoc closure; a caller queued at closing is still answered', async (t) => {
  const { twilio, clock, sb, queue, record, available, queued } = await setup(t, '2026-12-28T10:00:00Z');
  const holiday = await twilio.placeCall('+447700900011', RIVERSIDE, ['1']);
  await twilio.waitFor('bank holiday: out of hours', () => holiday.over);
  t.match(holiday.heard.join(' '), /We are closed now\. If you need medical help urgently, call NHS 111.*dial 999\.$/);
  t.equal(holiday.menusHeard.length, 0, 'no menu');
  t.match(await record(holiday), { outcome: 'ivr', closed: true });

  clock.set('2026-12-29T13:30:00Z');
  const lunch = await twilio.placeCall('+447700900012', RIVERSIDE);
  await twilio.waitFor('lunchtime', () => lunch.over);
  t.match(lunch.heard.at(-1), /We open again at 14:00 today\./);

  clock.set('2026-12-29T14:10:00Z');
  const closure = await sb.api('POST', '/v1/practices/F81001/closures', PRACTICE_TOKEN, { from: '2026-12-29T14:00:00Z', to: '2026-12-29T17:00:00Z', reason: 'Training afternoon' });
  t.equal(closure.status, 201);
  t.match(closure.body, { reason: 'Training afternoon', team: null, from: '2026-12-29T14:00:00.000Z' });
  t.equal((await sb.api('POST', '/v1/practices/F81001/closures', GRAYS_TOKEN, { from: '2026-12-29T14:00:00Z', to: '2026-12-29T17:00:00Z', reason: 'x' })).status, 403, "another practice's token may not close it");
  const bad = await sb.api('POST', '/v1/practices/F81001/closures', PRACTICE_TOKEN, { from: '2026-12-29T17:00:00Z', to: '2026-12-29T14:00:00Z', reason: 'x' });
  t.match(bad, { status: 400, type: /problem\+json/, body: { detail: /must end/ } });
  t.match((await sb.api('POST', '/v1/practices/F81001/closures', PRACTICE_TOKEN, { from: 'tomorrow', to: '2026-12-29T14:00:00Z', reason: 'x' })).body, { status: 400, detail: /from/ });
  t.match((await sb.api('POST', '/v1/practices/F81001/closures', PRACTICE_TOKEN, { from: '2026-12-29T14:00:00Z', to: '2026-12-29T17:00:00Z', reason: 'x', team: 'pharmacy' })).body, { status: 400, detail: /pharmacy is not a team of F81001/ });
  const training = await twilio.placeCall('+447700900013', RIVERSIDE, ['1']);
  await twilio.waitFor('closed for training', () => training.over);
  t.match(training.heard.at(-1), /NHS 111/);
  t.same((await sb.api('GET', '/v1/practices/F81001/closures', PRACTICE_TOKEN)).body.closures, [closure.body]);
  t.equal((await sb.api('DELETE', `/v1/practices/F81001/closures/${closure.body.id as string}`, PRACTICE_TOKEN)).status, 204);
  t.equal((await sb.api('DELETE', `/v1/practices/F81001/closures/${closure.body.id as string}`, PRACTICE_TOKEN)).status, 404);

  // A team closure: the practice answers, that team does not take new callers.
  await sb.api('POST', '/v1/practices/F81001/closures', PRACTICE_TOKEN, { from: '2026-12-29T14:00:00Z', to: '2026-12-29T15:00:00Z', reason: 'Reception training', team: 'reception' });
  const teamClosed = await twilio.placeCall('+447700900014', RIVERSIDE, ['1']);
  await twilio.waitFor('team closed', () => teamClosed.over);
  t.match(teamClosed.heard.at(-1), /Reception is closed at the moment/);

  // Just before closing a caller joins the queue; the practice closes; they are still answered.
  clock.set('2026-12-29T18:29:50Z');
  const late = await twilio.placeCall('+447700900015', RIVERSIDE, ['4', '1']);
  await twilio.waitFor('queued for the hub', async () => (await queue('U12345.hub')).includes(queued(late)));
  clock.set('2026-12-29T18:31:00Z');
  const after = await twilio.placeCall('+447700900016', RIVERSIDE, ['4', '1']);
  await twilio.waitFor('after closing: out of hours', () => after.over);
  await new Promise((r) => setTimeout(r, 300)); // sweeps run; nobody is dropped
  t.notOk(late.over, 'the caller queued before closing is still waiting');
  await available('hana', GRAYS_TOKEN);
  await twilio.waitFor('answered after closing', () => late.bridged?.endpoint === 'sip:hana@grays.example');
  twilio.staffHangsUp(late);
  await twilio.waitFor('done', () => late.over);
  t.match(await record(late), { outcome: 'answered', staff: 'hana' });
});

t.test('a PCN team served by staff of two practices, with callers from both, each greeted in their practice\'s name', async (t) => {
  const { twilio, queue, record, available, queued } = await setup(t);
  const fromRiverside = await twilio.placeCall('+447700900021', RIVERSIDE, ['2']);
  const fromGrays = await twilio.placeCall('+447700900022', GRAYS, ['2']);
  await twilio.waitFor('both queued', () => fromGrays.positions.length > 0);
  t.same(await queue('U12345.medicines'), [queued(fromRiverside), queued(fromGrays)], 'one PCN queue, in arrival order');
  t.same([fromRiverside.positions[0], fromGrays.positions[0]], [1, 2]);
  t.match(fromGrays.heard[0], 'Thank you for calling Grays Health Centre.');
  t.match(fromRiverside.heard[0], 'Thank you for calling Riverside Surgery.');

  await available('pat', GRAYS_TOKEN); // Grays staff
  await twilio.waitFor('Riverside caller to Pat (Grays)', () => fromRiverside.bridged?.endpoint === 'sip:pat@grays.example');
  await available('bob'); // Riverside staff
  await twilio.waitFor('Grays caller to Bob (Riverside)', () => fromGrays.bridged?.endpoint === 'sip:bob@riverside.example');
  const connect = twilio.restRequests.find((r) => r.path.includes(fromGrays.sid));
  t.match(connect?.path, /Accounts\/AC00000000000000000000000000000002\//, "connected through the caller's practice's account");
  t.match(fromGrays.heard.join(' '), /For reception press 1\. For prescriptions press 2\. You are number 2 in the queue\./, "Grays' own menu and the PCN queue's position in the caller's call");
  for (const c of [fromRiverside, fromGrays]) twilio.staffHangsUp(c);
  await twilio.waitFor('both done', () => fromRiverside.over && fromGrays.over);
  t.match(await record(fromGrays, 'F81002', GRAYS_TOKEN), { outcome: 'answered', staff: 'bob', team: 'U12345.medicines' }, "the record belongs to the caller's practice");
  t.match(await record(fromRiverside), { outcome: 'answered', staff: 'pat' });
});

t.test('staff priorities end to end: Bob serves medicines before reception', async (t) => {
  const { twilio, available } = await setup(t);
  const reception = await twilio.placeCall('+447700900031', RIVERSIDE, ['1']);
  const medicines = await twilio.placeCall('+447700900032', RIVERSIDE, ['2']);
  await twilio.waitFor('both queued', () => medicines.positions.length > 0);
  await available('bob');
  await twilio.waitFor('Bob takes the medicines caller', () => medicines.bridged?.endpoint === 'sip:bob@riverside.example');
  t.notOk(reception.bridged, 'though the reception caller waited longer');
  twilio.staffHangsUp(medicines);
  await twilio.waitFor('then the reception caller', () => reception.bridged?.endpoint === 'sip:bob@riverside.example');
  await twilio.hangUp(reception);
});

t.test('overflow after time and after size, place kept; the record shows it', async (t) => {
  const { twilio, clock, queue, record, available, queued } = await setup(t);
  const grays = await twilio.placeCall('+447700900041', GRAYS, ['1']);
  const first = await twilio.placeCall('+447700900042', RIVERSIDE, ['1']);
  const more: FakeCall[] = [];
  for (let i = 3; i <= 6; i++) more.push(await twilio.placeCall(`+44770090004${i}`, RIVERSIDE, ['1']));
  await twilio.waitFor('Riverside queue of five', async () => (await queue('F81001.reception')).length === 5);
  await twilio.waitFor('the fifth (more than 3 ahead) is offered to Grays', async () => (await queue('F81002.reception')).includes(queued(more[3]!)));
  t.same(await queue('F81002.reception'), [queued(grays), queued(more[3]!)], 'behind Grays\' own earlier caller; the fourth, with exactly 3 ahead, is not offered');

  clock.advance(301_000);
  await twilio.waitFor('after 300 s everyone else is offered too', async () => (await queue('F81002.reception')).length === 6);
  t.same(await queue('F81002.reception'), [queued(grays), queued(first), ...more.map(queued)], 'in original arrival order');
  t.same(await queue('F81001.reception'), [queued(grays), queued(first), ...more.map(queued)], "still in their own queue, which Grays' caller overflowed into the other way");

  await available('carol', GRAYS_TOKEN);
  await twilio.waitFor('Grays\' own caller first', () => grays.bridged);
  twilio.staffHangsUp(grays);
  await twilio.waitFor('then the longest-waiting overflowed caller', () => first.bridged?.endpoint === 'sip:carol@grays.example');
  t.match(first.heard.join(' '), /Thank you for calling Riverside Surgery/);
  twilio.staffHangsUp(first);
  await twilio.waitFor('done', () => first.over);
  t.notOk((await queue('F81001.reception')).includes(queued(first)), 'served from one queue, gone from both');
  const r = await record(first);
  t.match(r, { outcome: 'answered', staff: 'carol', overflowedTo: ['F81002.reception'], team: 'F81001.reception' });
  t.ok((r!.waitSeconds as number) >= 300, `the wait counts from first joining (${r!.waitSeconds as number} s)`);
  for (const c of more) await twilio.hangUp(c);
});

t.test('priority lines: a care home to the head of the queue, the professionals line to its own team', async (t) => {
  const { twilio, queue, record, queued } = await setup(t);
  const a = await twilio.placeCall('+447700900051', RIVERSIDE, ['1']);
  const b = await twilio.placeCall('+447700900052', RIVERSIDE, ['1']);
  const careHome = await twilio.placeCall('+447700900999', RIVERSIDE, ['1']);
  await twilio.waitFor('care home queued', () => careHome.positions.length > 0);
  t.same(careHome.positions, [1], 'a care home caller goes to the head');
  t.same(await queue('F81001.reception'), [queued(careHome), queued(a), queued(b)]);
  const professional = await twilio.placeCall('+447700900053', RIVERSIDE_PROFESSIONALS);
  await twilio.waitFor('professional queued', () => professional.positions.length > 0);
  t.equal(professional.menusHeard.length, 0, 'no menu on the professionals line');
  t.same(await queue('F81001.professionals'), [queued(professional)]);
  for (const c of [a, b, careHome, professional]) await twilio.hangUp(c);
  t.match(await record(careHome), { priority: true, route: 'menu:1' });
  t.match(await record(professional), { priority: true, route: 'priority:Professionals line', team: 'F81001.professionals' });
});
