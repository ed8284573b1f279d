import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseDirectory } from '../../../../shared/directory/load.js';
import { privateRedis } from '../../../helpers/redis.js';
import { CallPlayer, manualClock, statsDirectory } from '../../../helpers/stats.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';

const directory = statsDirectory();
const R = ['U12345', 'F81001', 'F81001.reception'] as const;
const at = (date: string, time: string, plusSeconds = 0) => Date.parse(`${date}T${time}:00Z`) + plusSeconds * 1000;

/** Four winter Mondays at Riverside: 24 calls 08:00–08:15, 8 at 08:15, talk 200 s, some hanging up. */
async function playMondays(player: CallPlayer) {
  for (const date of ['2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30']) {
    for (let i = 0; i < 20; i++) await player.answered(...R, at(date, '08:00', 40 * i), 30, 200);
    for (let i = 0; i < 4; i++) await player.missed(...R, at(date, '08:00', 100 * i), 90);
    for (let i = 0; i < 8; i++) await player.answered(...R, at(date, '08:15', 100 * i), 10, 200);
  }
}

async function call(url: string, token: string | undefined, init: { method?: string; body?: unknown; accept?: string } = {}) {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(init.accept ? { accept: init.accept } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) as Record<string, any> };
}

t.test('GET and POST /v1/practices/:ods/plan and /v1/pcns/:pcn/plan', async (t) => {
  const redis = await privateRedis(t);
  const clock = manualClock(Date.parse('2026-12-06T20:00:00Z')); // Sunday evening
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory, clock, env: { SWEEP_INTERVAL_MS: '60000' } });
  await playMondays(new CallPlayer(redis.connect()));
  const plan = (path: string, token = 'riverside-practice-token', init?: Parameters<typeof call>[2]) => call(`${sb.url}${path}`, token, init);

  let res = await plan('/v1/practices/F81001/plan');
  t.equal(res.status, 200, res.text);
  let body = res.json();
  t.equal(body.weekday, 'mon', 'on Sunday the plan is for Monday');
  t.equal(body.scope, 'practice:F81001');
  t.same(body.model.history[0].daysUsed, ['2026-11-30', '2026-11-23', '2026-11-16', '2026-11-09']);
  t.equal(body.model.historyBasis, 'enough');
  t.same(body.target, { answerWithinSeconds: 120, serviceLevel: 0.8, maxAbandon: 0.05 });
  const eight = body.intervals.find((i: any) => i.start === '08:00');
  t.equal(eight.calls, 24, '24 calls in 08:00–08:15 on each Monday');
  t.equal(body.intervals.find((i: any) => i.start === '08:15').calls, 8);
  t.equal(body.model.talkSeconds, 200);
  // Patience: 16 hung up; waits 16 × 90 + 80 × 30 + 32 × 10 = 4,160 s → 260 s.
  t.equal(body.model.patienceSeconds, 260);
  // Within 08:00–08:15 the calls come 28, 24, 20, 16, 8 in its three-minute steps over the four
  // Mondays: χ² 12.3 (under 13.28) but a clear trend, mean step 1.5 against 2, U = −0.5/√(2/96) = −3.5;
  // shares (28 + 2)/106 = 28% first. 08:15: 8, 8, 8, 8, 0: χ² 8, U = −0.5/√(2/32) = −2: evenly.
  t.match(body.model.notes.join(' '), /Calls come unevenly within the quarter hour 08:00 \(28% in its first 3 minutes\), as the call records of 4 day\(s\) show/);
  t.equal(body.roster.source, 'needed');
  t.ok(body.intervals.every((i: any) => i.rostered === i.staffNeeded && i.predicted.meetsTarget), 'with no roster: the people needed, who meet the target');
  t.ok(eight.staffNeeded >= 6, `08:00 needs ${eight.staffNeeded} (24 calls × 201 s ÷ 900 s = 5.4 Erlangs)`);

  // What-if: one fewer than needed at 08:00.
  const short = `08:00-08:15=${eight.staffNeeded - 1},08:15-08:30=${body.intervals[1].staffNeeded}`;
  res = await plan(`/v1/practices/F81001/plan?weekday=mon&roster=${encodeURIComponent(short)}`);
  t.equal(res.status, 200, res.text);
  body = res.json();
  t.equal(body.roster.source, 'given');
  t.same(body.changes.map((c: any) => c.sentence), ['one more person 08:00–08:15 on Mondays']);
  t.equal(body.intervals[0].predicted.meetsTarget, false);
  const posted = await plan('/v1/practices/F81001/plan', '', { method: 'POST', body: { weekday: 'mon', roster: [{ from: '08:00', to: '08:15', staff: eight.staffNeeded - 1 }, { from: '08:15', to: '08:30', staff: body.intervals[1].staffNeeded }] } });
  t.equal(posted.status, 401, 'no token, no plan');
  const post = await plan('/v1/practices/F81001/plan', 'riverside-practice-token', { method: 'POST', body: { weekday: 'mon', roster: [{ from: '08:00', to: '08:15', staff: eight.staffNeeded - 1 }, { from: '08:15', to: '08:30', staff: body.intervals[1].staffNeeded }] } });
  t.equal(post.status, 200, post.text);
  t.same(post.json().intervals, body.intervals, 'POST with spans is the same what-if as GET with the roster string');
  // One span, and "observed", as a JSON body: each as the GET's roster string gives it (the page
  // sends one span when every row holds the same number of people).
  const oneSpan = await plan('/v1/practices/F81001/plan', 'riverside-practice-token', { method: 'POST', body: { weekday: 'mon', roster: [{ from: '08:00', to: '08:30', staff: 3 }] } });
  t.equal(oneSpan.status, 200, oneSpan.text);
  t.same(oneSpan.json().intervals, (await plan(`/v1/practices/F81001/plan?weekday=mon&roster=${encodeURIComponent('08:00-08:30=3')}`)).json().intervals, 'POST with one span');
  const observedPost = await plan('/v1/practices/F81001/plan', 'riverside-practice-token', { method: 'POST', body: { weekday: 'mon', roster: 'observed' } });
  t.equal(observedPost.status, 200, observedPost.text);
  t.equal(observedPost.json().roster.source, 'observed', 'POST with "observed"');
  t.equal((await plan('/v1/practices/F81001/plan', 'mse-icb-token', { method: 'POST', body: { weekday: 'mon', roster: 'observed' } })).status, 200, 'the ICB may POST for last week’s roster');
  for (const [roster, why] of [
    ['last week', /body\/roster must match pattern "\^observed\$"/],
    [3, /body\/roster must match pattern "\^observed\$"/],
    [[{ from: '08:00', to: '09:00', staff: 2 }, { from: '08:45', to: '09:15', staff: 1 }], /roster entries 08:00-09:00=2 and 08:45-09:15=1 overlap/],
  ] as const) {
    res = await plan('/v1/practices/F81001/plan', 'riverside-practice-token', { method: 'POST', body: { weekday: 'mon', roster } });
    t.equal(res.status, 400, JSON.stringify(roster));
    t.match(res.json().detail, why, `${JSON.stringify(roster)}: ${res.json().detail}`);
  }

  res = await plan(`/v1/practices/F81001/plan?weekday=mon&roster=${encodeURIComponent(short)}&format=csv`);
  t.match(res.type, /text\/csv/);
  const lines = res.text.trim().split('\n');
  t.equal(lines[0], 'start,end,calls,handle_s,staff_needed,staff_needed_erlang_c,rostered,answered_within_target_pct,abandon_pct,mean_wait_s,meets_target');
  t.equal(lines[1], ['08:00', '08:15', 24, 201, eight.staffNeeded, body.intervals[0].staffNeededErlangC, eight.staffNeeded - 1, body.intervals[0].predicted.answeredWithinTargetPct, body.intervals[0].predicted.abandonPct, body.intervals[0].predicted.meanWaitSeconds, false].join(','));

  res = await plan('/v1/practices/F81001/plan?weekday=mon&roster=observed');
  body = res.json();
  t.equal(body.roster.source, 'observed');
  t.equal(body.roster.date, '2026-11-30');
  t.ok(body.intervals[0].rostered > 0, `last Monday ${body.intervals[0].rostered} people were on calls at 08:00`);
  t.match(body.model.notes.join(' '), /can be short/);

  // Scoping.
  t.equal((await plan('/v1/practices/F81001/plan', 'grays-practice-token')).status, 403, 'another practice’s token');
  t.equal((await plan('/v1/practices/F81001/plan', 'alice-token')).status, 200, 'the practice’s staff');
  t.equal((await plan('/v1/practices/F81001/plan', 'thurrock-pcn-token')).status, 200, 'its PCN');
  t.equal((await plan('/v1/practices/F81001/plan', 'tilbury-pcn-token')).status, 403, 'another PCN');
  res = await plan('/v1/pcns/U12345/plan?weekday=mon', 'thurrock-pcn-token');
  t.equal(res.status, 200, res.text);
  t.equal(res.json().scope, 'pcn:U12345');
  t.equal(res.json().intervals.find((i: any) => i.start === '08:00').calls, 24, 'the PCN: its practices’ calls added up');
  t.equal((await plan('/v1/pcns/U12345/plan', 'riverside-practice-token')).status, 403, 'a practice token does not plan the PCN');
  t.equal((await plan('/v1/pcns/NOPE1/plan', 'thurrock-pcn-token')).status, 404);

  res = await plan('/v1/practices/F81001/plan?weekday=mon', 'mse-icb-token');
  t.equal(res.status, 200, res.text);
  body = res.json();
  t.same(Object.keys(body).sort(), ['day', 'intervals', 'roster', 'scope', 'target', 'weekday']);
  t.same(Object.keys(body.intervals[0]).sort(), ['end', 'predicted', 'start'], 'the ICB sees predicted service levels only');
  t.equal(body.roster.source, 'observed');
  t.same(Object.keys(body.day).sort(), ['abandonPct', 'answeredWithinTargetPct']);
  res = await plan('/v1/practices/F81001/plan?weekday=mon&format=csv', 'mse-icb-token');
  t.equal(res.text.split('\n')[0], 'start,end,answered_within_target_pct,abandon_pct,mean_wait_s,meets_target');
  t.equal((await plan(`/v1/practices/F81001/plan?roster=${encodeURIComponent(short)}`, 'mse-icb-token')).status, 403, 'no what-ifs for the ICB');

  // Bad input: a sentence each.
  for (const [query, why] of [
    ['weekday=funday', /querystring\/weekday must be equal to one of the allowed values: mon, tue, wed, thu, fri, sat, sun$/],
    ['roster=08:00-09:30%3D2,09:00-10:00%3D3', /roster entries "08:00-09:30=2" and "09:00-10:00=3" overlap/],
    ['roster=garbage', /roster entry "garbage" is not HH:MM-HH:MM=<people>/],
    ['roster=08:00-08:20%3D1', /quarter hour/],
    ['roster=09:00-08:00%3D1', /ends before it starts/],
    ['weeks=0', /weeks/],
    ['serviceLevel=120', /serviceLevel/],
    ['weekdy=mon', /unknown query parameter weekdy/],
  ] as const) {
    res = await plan(`/v1/practices/F81001/plan?${query}`);
    t.equal(res.status, 400, query);
    t.match(res.json().detail, why, `${query}: ${res.json().detail}`);
  }
  res = await plan('/v1/practices/F81001/plan', 'riverside-practice-token', { method: 'POST', body: { weekday: 'mon', rota: [] } });
  t.equal(res.status, 400);
  t.match(res.json().detail, /unknown field rota/);
  t.equal((await plan('/v1/practices/NOPE1/plan')).status, 404);
});

t.test('a PCN is planned per staff pool: each practice and each PCN-wide team with its own people, summed', async (t) => {
  // The same PCN with a medicines team answering both practices' callers.
  const withTeam = parseDirectory(readFileSync(new URL('../../../fixtures/stats-directory.yaml', import.meta.url), 'utf8').replace('{ code: U12345, name: Thurrock Riverside PCN }', '{ code: U12345, name: Thurrock Riverside PCN, teams: [{ id: medicines, name: PCN medicines team }] }'), 'stats-directory');
  const redis = await privateRedis(t);
  const clock = manualClock(Date.parse('2026-12-06T20:00:00Z'));
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: withTeam, clock, env: { SWEEP_INTERVAL_MS: '60000' } });
  const player = new CallPlayer(redis.connect());
  // Each Monday 08:00–08:15: Riverside 20 for its reception and 8 for the medicines team; Grays 12 and 4.
  for (const date of ['2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30']) {
    for (const [ods, team, n] of [['F81001', 'F81001.reception', 20], ['F81001', 'U12345.medicines', 8], ['F81002', 'F81002.reception', 12], ['F81002', 'U12345.medicines', 4]] as const) {
      for (let i = 0; i < n; i++) await player.answered('U12345', ods, team, at(date, '08:00', 30 * i), 20, 200);
    }
  }
  const plan = (path: string, init?: Parameters<typeof call>[2]) => call(`${sb.url}${path}`, 'thurrock-pcn-token', init);
  const res = await plan('/v1/pcns/U12345/plan?weekday=mon');
  t.equal(res.status, 200, res.text);
  const body = res.json();
  const eight = (rows: any[]) => rows.find((i: any) => i.start === '08:00');
  t.same(body.units.map((u: any) => [u.id, u.kind, eight(u.intervals).calls]), [['F81001', 'practice', 20], ['F81002', 'practice', 12], ['U12345.medicines', 'pcn-team', 12]], 'each pool’s calls, from the teams its callers queued for');
  t.equal(eight(body.intervals).calls, 44, 'the PCN: all of them');
  t.equal(eight(body.intervals).staffNeeded, body.units.reduce((a: number, u: any) => a + eight(u.intervals).staffNeeded, 0), 'people needed: the pools’ added up');
  const riverside = eight(body.units[0].intervals);
  t.ok(riverside.staffNeeded > (20 * riverside.handleSeconds) / 900, `Riverside’s reception needs ${riverside.staffNeeded} for its own 20 calls of ${riverside.handleSeconds} s`);
  t.ok(body.units.every((u: any) => eight(u.intervals).staffNeeded > 0), 'every pool has people of its own at 08:00');
  t.match(body.model.notes.join(' '), /3 staff pools, each with its own people: Riverside Surgery, Grays Health Centre, PCN medicines team/);
  // Each pool's calls within 08:00–08:15, from its own callers' records (three-minute steps, four Mondays):
  // Riverside 24, 24, 24, 8, 0 → (24 + 2)/90 = 29% in the first; Grays 24, 24 → 26/58 = 45%;
  // the medicines team (Riverside's 8 at 0–210 s, Grays' 4 at 0–90 s) 40, 8 → 42/58 = 72%.
  const notes = body.model.notes.join(' ');
  t.match(notes, /Riverside Surgery: Calls come unevenly within the quarter hour 08:00 \(29% in its first 3 minutes\)/);
  t.match(notes, /Grays Health Centre: Calls come unevenly within the quarter hour 08:00 \(45% in its first 3 minutes\)/);
  t.match(notes, /PCN medicines team: Calls come unevenly within the quarter hour 08:00 \(72% in its first 3 minutes\)/);

  const observed = await plan('/v1/pcns/U12345/plan?weekday=mon&roster=observed');
  t.equal(observed.status, 200, observed.text);
  const medicines = observed.json().units[2];
  t.ok(eight(medicines.intervals).rostered > 0, `the medicines team’s own people last Monday at 08:00: ${eight(medicines.intervals).rostered}`);
  t.equal(eight(observed.json().intervals).rostered, observed.json().units.reduce((a: number, u: any) => a + eight(u.intervals).rostered, 0));

  const given = await plan(`/v1/pcns/U12345/plan?weekday=mon&roster=${encodeURIComponent('08:00-09:00=9')}`);
  t.equal(given.status, 400, 'a typed roster is for one pool, not a whole PCN');
  t.match(given.json().detail, /a roster is for one staff pool/);
  const icb = await call(`${sb.url}/v1/pcns/U12345/plan?weekday=mon`, 'mse-icb-token');
  t.equal(icb.status, 200, icb.text);
  t.notOk('units' in icb.json(), 'the ICB sees the PCN’s service levels, not its pools');
});

t.test('the seconds a phone rings before it is picked up, from the call records: in each call, and in the wait', async (t) => {
  const redis = await privateRedis(t);
  const clock = manualClock(Date.parse('2026-12-06T20:00:00Z'));
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory, clock, env: { SWEEP_INTERVAL_MS: '60000' } });
  const player = new CallPlayer(redis.connect());
  // Each Monday 24 callers are waiting from 08:00, and Anna answers them in turn: 100 s talk, Riverside's 1 s
  // wrap-up, and the next caller picked up 5 s after she is free (answered 106 s apart): 23 answer delays a day.
  for (const date of ['2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30']) {
    for (let i = 0; i < 24; i++) await player.answeredBy('anna', ...R, at(date, '08:00', i), 10 + 106 * i - i, 100);
  }
  const get = async (path: string, token: string) => {
    const res = await fetch(`${sb.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    t.equal(res.status, 200, path);
    return (await res.json()) as Record<string, any>;
  };
  const practice = await get('/v1/practices/F81001/plan?roster=08:00-08:30=2', 'riverside-practice-token');
  t.equal(practice.model.answerDelaySeconds, 5);
  t.equal(practice.intervals.find((i: any) => i.start === '08:00').handleSeconds, 106, 'talk + wrap-up + 5 s ringing');
  t.notMatch(practice.model.notes.join(' '), /taken as none/);
  const pcn = await get('/v1/pcns/U12345/plan?weekday=mon', 'thurrock-pcn-token');
  t.equal(pcn.model.answerDelaySeconds, 5, 'a PCN’s: its practices’ records together');
  t.equal(pcn.units.find((u: any) => u.id === 'F81001').intervals.find((i: any) => i.start === '08:00').handleSeconds, 106);
});
