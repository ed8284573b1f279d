import t, { type Test } from 'tap';
import { Redis } from 'ioredis';
import { callsDirectory } from '../../../fixtures/calls.js';
import { CallQueue } from '../../../../shared/queue/queue.js';
import { cookieHeader, signInOverHttp } from '../../../helpers/browserless.js';
import { at, DAY, playKnownDay } from '../../../helpers/known-day.js';
import { RIVERSIDE_CALLS, type KnownCall } from '../../../helpers/known-day-counts.js';
import { reserveIssuer, startOidcProvider, TEST_USERS } from '../../../helpers/oidc.js';
import { privateRedis } from '../../../helpers/redis.js';
import { manualClock } from '../../../helpers/stats.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';

type Call = Record<string, unknown>;
type Body = { calls: Call[]; total: number; detail?: string } & Record<string, unknown>;

const DAY_MS = 86_400_000;
const MANAGER = 'riverside-practice-token';
async function knownDay(t: Test, opts: { retentionDays?: number } = {}) {
  const redis = await privateRedis(t);
  const r = new Redis(redis.url);
  t.teardown(() => r.disconnect());
  await playKnownDay(r);
  const clock = manualClock(at('13:00:00'));
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: callsDirectory(opts), clock });
  const get = async (query: string, token = MANAGER, headers: Record<string, string> = {}) => {
    const res = await fetch(`${sb.url}/v1/practices/F81001/calls/search${query ? `?${query}` : ''}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', cache: res.headers.get('cache-control'), text, json: () => JSON.parse(text) as Body };
  };
  const ids = async (query: string) => {
    const res = await get(query);
    if (res.status !== 200) throw new Error(`${query}: ${res.status} ${res.text}`);
    return res.json().calls.map((c) => c.callId);
  };
  return { sb, r, clock, get, ids };
}

const iso = (hms: string | null) => (hms === null ? null : new Date(at(hms)).toISOString());
const idsOf = (calls: readonly KnownCall[]) => calls.map((c) => c.callId);

t.test('the known day: each call as the hand count has it, by arrival', async (t) => {
  const { get } = await knownDay(t);
  const res = await get(`from=${DAY}`);
  t.equal(res.status, 200);
  t.equal(res.cache, 'no-store', 'callers’ calls are not kept by caches');
  const body = res.json();
  t.equal(body.total, RIVERSIDE_CALLS.length, 'eight calls at Riverside (C7 was Grays’s, answered by Riverside’s Hana: not here)');
  t.same(
    body.calls,
    RIVERSIDE_CALLS.map((c) => ({
      callId: c.callId,
      arrivedAt: iso(c.arrived),
      answeredAt: iso(c.answered),
      endedAt: iso(c.ended),
      team: c.team,
      overflowedTo: c.overflowedTo,
      answeredBy: c.answeredBy,
      outcome: c.outcome,
      waitSeconds: c.wait,
      talkSeconds: c.talk,
      callerLast3: c.last4?.slice(1) ?? null,
      teamName: ({ 'F81001.reception': 'Reception', 'U12345.hub': 'Care coordination hub' } as Record<string, string>)[c.team] ?? null,
      answeredByName: c.answeredBy ? ({ alice: 'Alice Adams', bob: 'Bob Brown', carol: 'Carol Clark', hana: 'Hana Hill' } as Record<string, string>)[c.answeredBy] : null,
      recording: null,
    })),
    'every field of every call',
  );
  t.notMatch(res.text, /\+44|7700900/, 'no number, whole or in part beyond its last three digits');
  t.same(body.search, { from: DAY, to: DAY, fromTime: '00:00', toTime: '24:00', team: null, staff: null });
  t.equal(body.keptSince, new Date(at('13:00:00') - 30 * DAY_MS).toISOString());
  t.same(body.choices, {
    teams: [
      { team: 'F81001.reception', name: 'Reception' },
      { team: 'F81001.prescriptions', name: 'Prescriptions' },
      { team: 'U12345.hub', name: 'Care coordination hub' },
    ],
    staff: [
      { staff: 'alice', name: 'Alice Adams' },
      { staff: 'bob', name: 'Bob Brown' },
      { staff: 'carol', name: 'Carol Clark' },
      { staff: 'hana', name: 'Hana Hill' },
    ],
  }, "Riverside's teams and its PCN's, and who answers them (not Grays's Gita)");
});

t.test('every filter, alone and in every combination, against the hand count', async (t) => {
  const { ids } = await knownDay(t);
  type Filter = { query: string; keeps: (c: KnownCall) => boolean };
  const sets: Record<string, Record<'time' | 'team' | 'staff' | 'digits', Filter>> = {
    'prescriptions morning': {
      time: { query: 'fromTime=08:00&toTime=08:30', keeps: (c) => c.arrived >= '08:00' && c.arrived < '08:30' },
      team: { query: 'team=prescriptions', keeps: (c) => c.team === 'F81001.prescriptions' || c.overflowedTo.some((o) => o === 'F81001.prescriptions') },
      staff: { query: 'staff=carol', keeps: (c) => c.answeredBy === 'carol' },
      digits: { query: 'digits=004', keeps: (c) => c.last4?.endsWith('004') === true },
    },
    'reception late morning': {
      time: { query: 'fromTime=09:00&toTime=12:00', keeps: (c) => c.arrived >= '09:00' && c.arrived < '12:00' },
      team: { query: 'team=F81001.reception', keeps: (c) => c.team === 'F81001.reception' },
      staff: { query: 'staff=alice', keeps: (c) => c.answeredBy === 'alice' },
      digits: { query: 'digits=0008', keeps: (c) => c.last4 === '0008' },
    },
    'the rush': {
      time: { query: 'fromTime=08:00&toTime=09:00', keeps: (c) => c.arrived >= '08:00' && c.arrived < '09:00' },
      team: { query: 'team=F81001.reception', keeps: (c) => c.team === 'F81001.reception' },
      staff: { query: 'staff=bob', keeps: (c) => c.answeredBy === 'bob' },
      digits: { query: 'digits=002', keeps: (c) => c.last4?.endsWith('002') === true },
    },
  };
  const names = ['time', 'team', 'staff', 'digits'] as const;
  let nonEmpty = 0;
  for (const [setName, filters] of Object.entries(sets)) {
    for (let mask = 0; mask < 16; mask++) {
      const chosen = names.filter((_, i) => mask & (1 << i));
      const query = [`from=${DAY}`, ...chosen.map((n) => filters[n].query)].join('&');
      const expected = idsOf(RIVERSIDE_CALLS.filter((c) => chosen.every((n) => filters[n].keeps(c))));
      if (chosen.length > 1 && expected.length > 0) nonEmpty++;
      t.same(await ids(query), expected, `${setName}: ${chosen.join(' + ') || 'no filter'}`);
    }
  }
  t.ok(nonEmpty >= 10, `combinations that find calls, not only empty ones: ${nonEmpty}`);

  t.same(await ids(`from=${DAY}&fromTime=08:05&toTime=08:10`), ['twilio:CA-day-3'], 'a call at toTime is not in the window; one at fromTime is');
  t.same(await ids(`from=${DAY}&staff=alice`), ['twilio:CA-day-1'], 'calls Alice answered: not C8, which hung up while her phone rang');
  t.same(await ids(`from=${DAY}&team=hub`), ['twilio:CA-day-6'], "the PCN's hub, by its id: Riverside's caller, not Grays's");
  t.same(await ids(`from=${DAY}&digits=900`), [], 'digits match the end of the number only');
});

t.test('several days, a caller who rang twice, paging and CSV', async (t) => {
  const { ids, get, r } = await knownDay(t);
  const q = new CallQueue(r);
  // The caller of C1 rang the day before too, and hung up after 40 s.
  const before = at('11:00:00') - DAY_MS;
  await q.enqueue('U12345', { callId: 'twilio:CA-before', team: 'F81001.reception', practice: 'F81001', from: '+447700900001', provider: 'twilio', providerCallId: 'CA-before' }, before);
  await q.endCall('U12345', 'twilio:CA-before', 'F81001', 30 * DAY_MS, 0, before + 40_000);
  t.same(await ids('from=2026-06-15&to=2026-06-16&digits=0001'), ['twilio:CA-before', 'twilio:CA-day-1'], 'both days, by arrival');
  t.same(await ids('from=2026-06-15&digits=0001'), ['twilio:CA-before'], '`to` defaults to `from`: one day');
  t.same(await ids('to=2026-06-15'), ['twilio:CA-before'], '`from` defaults to `to`');
  t.same(await ids('from=2026-06-15&to=2026-06-16&fromTime=10:00&toTime=12:00'), ['twilio:CA-before', 'twilio:CA-day-ivr'], 'the time window on each day');
  t.same(await ids(''), idsOf(RIVERSIDE_CALLS), 'no dates: today (the clock is the known day)');

  const page = async (offset: number) => (await get(`from=${DAY}&limit=3&offset=${offset}`)).json();
  const pages = await Promise.all([0, 3, 6, 9].map(page));
  t.same(pages.map((p) => p.calls.length), [3, 3, 2, 0], 'three a page');
  t.same(pages.flatMap((p) => p.calls.map((c) => c.callId)), idsOf(RIVERSIDE_CALLS), 'the pages together are the day, in order');
  t.ok(pages.every((p) => p.total === 8 && p.limit === 3), 'each page says how many there are');

  const csv = await get(`from=${DAY}&fromTime=08:00&toTime=09:00&limit=1&format=csv`);
  t.match(csv.type, /^text\/csv/);
  t.equal(csv.cache, 'no-store');
  t.equal(
    csv.text,
    [
      'call_id,date,time,team,answered_by,outcome,wait_s,talk_s,caller,recording,recording_s,recording_pauses,recording_held',
      `twilio:CA-day-1,${DAY},08:00:00,Reception,Alice Adams,answered,10,200,••• ••• •001,,,,`,
      `twilio:CA-day-2,${DAY},08:01:00,Reception,Bob Brown,answered,65,95,••• ••• •002,,,,`,
      `twilio:CA-day-3,${DAY},08:05:00,Reception,,abandoned,90,0,••• ••• •003,,,,`,
      `twilio:CA-day-4,${DAY},08:10:00,Reception,Carol Clark,answered,160,400,••• ••• •004,,,,`,
      `twilio:CA-day-5,${DAY},08:20:00,Reception,,callback-requested,70,0,••• ••• •005,,,,`,
      '',
    ].join('\n'),
    'every match (CSV does not page), London times, numbers masked',
  );
  t.match((await get(`from=${DAY}&fromTime=10:00`, MANAGER, { accept: 'text/csv' })).text, /,ivr,0,0,withheld,,,,\n$/, 'Accept: text/csv; a withheld number says so');
});

t.test('a recorded call’s row carries its recording (what a manager needs of it); an unrecorded call’s says null', async (t) => {
  const { get, sb } = await knownDay(t);
  const practice = sb.app.directory().practice('F81001')!;
  // The provider reports the recording of C1 (Alice's call) complete; the practice holds it (a complaint).
  await sb.app.recordings.providerEvent(practice, 'twilio:CA-day-1', 'CA-day-1', { status: 'completed', recordingId: 'RE-day-1', durationSeconds: 199 });
  await sb.app.recordings.setHeld(practice, 'twilio:CA-day-1', true, 'token:practice:F81001');
  const res = await get(`from=${DAY}&fromTime=08:00&toTime=08:02`);
  t.equal(res.status, 200);
  t.same(
    res.json().calls.map((c) => [c.callId, c.recording]),
    [
      ['twilio:CA-day-1', { status: 'completed', durationSeconds: 199, pauses: 0, held: true }],
      ['twilio:CA-day-2', null],
    ],
    'the recorded call: status, length, pauses, hold; the other: null',
  );
  t.notMatch(res.text, /RE-day-1|audio|provider/, 'nothing of the provider in the row (the audio path is the call id’s)');
  const csv = await get(`from=${DAY}&fromTime=08:00&toTime=08:02&format=csv`);
  t.match(csv.text, /\n"?twilio:CA-day-1.*•001,completed,199,0,held\n"?twilio:CA-day-2.*•002,,,,\n$/, 'and in the CSV');
});

t.test('only the practice’s managers may search, and every search is audited without the digits', async (t) => {
  const { get, sb } = await knownDay(t);
  const refused: [string, number, RegExp][] = [
    ['', 401, /./],
    ['not-a-token', 401, /./],
    ['grays-practice-token', 403, /only F81001's practice managers may search its calls/],
    ['alice-token', 403, /only F81001's practice managers/],
    ['thurrock-pcn-token', 403, /only F81001's practice managers/],
    ['mse-icb-token', 403, /only F81001's practice managers/],
    ['admin-token', 403, /only F81001's practice managers/],
    ['riverside-screen-token', 403, /a read-only token may not search calls/],
  ];
  for (const [token, status, detail] of refused) {
    const res = await get(`from=${DAY}&digits=0003`, token);
    t.equal(res.status, status, `${token || 'no token'}: ${status}`);
    t.match(res.json().detail, detail);
    t.notMatch(res.text, /CA-day/, 'and no call');
  }
  const grays = await fetch(`${sb.url}/v1/practices/F81002/calls/search?from=${DAY}`, { headers: { authorization: 'Bearer grays-practice-token' } });
  t.equal(grays.status, 200, "Grays's manager searches Grays's calls");
  t.same(((await grays.json()) as Body).calls.map((c) => c.callId), ['twilio:CA-day-7']);
  t.equal((await fetch(`${sb.url}/v1/practices/F99999/calls/search`, { headers: { authorization: `Bearer ${MANAGER}` } })).status, 404);

  t.equal((await get(`from=${DAY}&team=reception&digits=0003`)).status, 200);
  t.equal((await get(`from=${DAY}&fromTime=08:00&toTime=09:00&staff=bob&format=csv`)).status, 200);
  const audit = (await (await fetch(`${sb.url}/v1/practices/F81001/audit`, { headers: { authorization: `Bearer ${MANAGER}` } })).json()) as { entries: Record<string, unknown>[] };
  const searches = audit.entries.filter((e) => e.action === 'calls-searched');
  t.same(
    searches.map((e) => [e.actor, e.outcome, e.matches]),
    [
      ['token:practice:F81001', `${DAY}, 08:00-09:00, answered by bob (CSV)`, 1],
      ['token:practice:F81001', `${DAY}, 00:00-24:00, team F81001.reception, number's last 4 digits`, 1],
    ],
    'who searched, for what, and how many calls it found: newest first; refused searches found nothing and are not there',
  );
  t.notMatch(JSON.stringify(audit), /0003/, 'the digits themselves are not kept');
  t.equal((await (await fetch(`${sb.url}/v1/practices/F81002/audit`, { headers: { authorization: 'Bearer grays-practice-token' } })).json() as { entries: unknown[] }).entries.length, 1, "Grays's search in Grays's log");

  const requestLines = sb.logs.filter((l) => l.includes('/calls/search'));
  t.ok(requestLines.some((l) => l.includes('digits=[redacted]')), 'request lines show that digits were given…');
  t.notOk(requestLines.some((l) => /digits=\d/.test(l)), '…never which');
});

t.test('bad searches: 400 with a sentence saying what is wrong', async (t) => {
  const { get } = await knownDay(t);
  const cases: [string, RegExp][] = [
    ['digits=12', /at least the last 3 digits/],
    ['digits=12345', /at most the last 4 digits .* never by a whole one/],
    ['digits=%2B447700900001', /only the digits at the end/],
    ['digits=12a', /only the digits at the end/],
    ['digits=', /only the digits at the end/],
    ['from=2026-13-01', /from=2026-13-01 is not a calendar date/],
    ['from=16/06/2026', /is not a calendar date \(YYYY-MM-DD\)/],
    ['from=2026-06-16&to=2026-06-15', /to \(2026-06-15\) is before from \(2026-06-16\)/],
    ['from=2026-06-17', /after today \(2026-06-16\)/],
    ['from=2026-05-01', /F81001 keeps call records 30 days: the earliest day to search is 2026-05-17/],
    ['fromTime=8am', /fromTime=8am: give a time of day as HH:MM/],
    ['fromTime=24:00', /00:00 to 23:59/],
    ['toTime=24:01', /00:00 to 24:00/],
    ['fromTime=09:00&toTime=08:00', /toTime \(08:00\) must be after fromTime \(09:00\)/],
    ['team=pharmacy', /no team pharmacy at F81001: choose from F81001.reception, F81001.prescriptions, U12345.hub/],
    ['team=F81002.reception', /no team F81002.reception at F81001/],
    ['staff=gita', /no member of staff gita answers F81001's calls/],
    ['number=0003', /unknown query parameter number/],
    ['limit=0', /limit must be >= 1/],
    ['limit=501', /limit must be <= 500/],
    ['offset=-1', /offset must be >= 0/],
    ['format=xml', /format must be equal to one of the allowed values/],
  ];
  for (const [query, detail] of cases) {
    const res = await get(query);
    t.equal(res.status, 400, query);
    t.match(res.json().detail, detail, query);
  }
});

t.test('a longer retention allows up to 31 days a search', async (t) => {
  const { get, ids } = await knownDay(t, { retentionDays: 90 });
  t.match((await get('from=2026-05-16&to=2026-06-16')).json().detail, /a search covers at most 31 days; 2026-05-16 to 2026-06-16 is 32/);
  t.same(await ids('from=2026-05-17&to=2026-06-16&digits=006'), ['twilio:CA-day-6'], '31 days');
});

t.test('retention: a record is found until the practice’s retention from its end, and never after, purged or not', async (t) => {
  const { get, ids, clock, r } = await knownDay(t);
  const retention = 30 * DAY_MS;
  const c1End = at('08:03:30');
  clock.set(c1End + retention - 1000);
  t.same((await ids(`from=${DAY}&fromTime=08:00&toTime=08:02`)), ['twilio:CA-day-1', 'twilio:CA-day-2'], 'a second before C1’s retention ends: found');
  clock.set(c1End + retention + 1000);
  t.equal(await r.exists('sb:{U12345}:cdr:twilio:CA-day-1'), 1, 'C1’s record is still in Redis (the purge has not run)…');
  t.same((await ids(`from=${DAY}&fromTime=08:00&toTime=08:02`)), ['twilio:CA-day-2'], '…yet a second after its retention no search finds it');
  const body = (await get(`from=${DAY}`)).json();
  t.equal(body.keptSince, new Date(c1End + 1000).toISOString(), 'the answer says from when records are kept');
  clock.set(at('13:00:00') + 31 * DAY_MS);
  const res = await get(`from=${DAY}`);
  t.equal(res.status, 400, 'a day wholly past retention cannot be searched');
  t.match(res.json().detail, /F81001 keeps call records 30 days: the earliest day to search is 2026-06-17/);
});

t.test('people: a practice manager signed in searches; a member of staff signed in is refused', async (t) => {
  const redis = await privateRedis(t);
  const at = await reserveIssuer();
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: callsDirectory({ issuer: at.issuer }) });
  await startOidcProvider(t, at, sb.url);
  const search = async (user: (typeof TEST_USERS)[keyof typeof TEST_USERS]) => {
    const { jar } = await signInOverHttp(sb.url, user.login, user.password, '/calls');
    return fetch(`${sb.url}/v1/practices/F81001/calls/search?digits=123`, { headers: { cookie: cookieHeader(jar, sb.url) } });
  };
  const manager = await search(TEST_USERS.manager);
  t.equal(manager.status, 200, "Riverside's practice manager");
  t.same(((await manager.json()) as Body).calls, []);
  const alice = await search(TEST_USERS.alice);
  t.equal(alice.status, 403, 'Alice, a member of staff');
  const audit = (await (await fetch(`${sb.url}/v1/practices/F81001/audit`, { headers: { authorization: `Bearer ${MANAGER}` } })).json()) as { entries: Record<string, unknown>[] };
  t.same(audit.entries.filter((e) => e.action === 'calls-searched').map((e) => e.actor), [`oidc:${TEST_USERS.manager.email.toLowerCase()}`], 'the manager, by name, in the audit');
});
