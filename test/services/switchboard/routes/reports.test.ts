import t from 'tap';
import { STAFF_COLUMNS, TEAM_COLUMNS } from '../../../../shared/reports/figures.js';
import { at, DAY, playKnownDay, reportsDirectory } from '../../../helpers/known-day.js';
import { RECEPTION_HOURS, STAFF_HOURS, STAFF_TOTALS, TEAM_TOTALS } from '../../../helpers/known-day-counts.js';
import { privateRedis } from '../../../helpers/redis.js';
import { manualClock } from '../../../helpers/stats.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';

type Row = Record<string, unknown>;

async function get(url: string, token?: string) {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) as { rows: Row[]; totals: Row[]; detail?: string } & Row };
}

const pick = (row: Row, columns: readonly string[]) => columns.map((c) => row[c]);
const csvRows = (text: string) => text.trim().split('\n').map((l) => l.split(','));
const csvOf = (values: unknown[]) => values.map((v) => (v === null ? '' : String(v)));

t.test('a known day: every figure on the API and in the CSV equals the hand count', async (t) => {
  const redis = await privateRedis(t);
  const client = (await import('ioredis')).Redis;
  const r = new client(redis.url);
  t.teardown(() => r.disconnect());
  await playKnownDay(r);
  const clock = manualClock(at('13:00:00'));
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: reportsDirectory(), clock, env: { STATS_SUPPRESS_BELOW: '0' } });
  const base = `${sb.url}/v1/practices/F81001`;

  const totals = (await get(`${base}/staff-stats?date=${DAY}&granularity=period`, 'riverside-practice-token')).json();
  t.same(Object.fromEntries(totals.totals.map((row) => [row.staff, pick(row, STAFF_COLUMNS)])), STAFF_TOTALS, 'each member of staff over the day');
  t.same(totals.rows.map((row) => [row.period, row.staff]), Object.keys(STAFF_TOTALS).map((s) => [DAY, s]), 'one row per member of staff for the period');

  const hourly = (await get(`${base}/staff-stats?date=${DAY}`, 'riverside-practice-token')).json();
  t.equal(hourly.granularity, 'hour');
  t.equal(hourly.rows.length, 4 * 24, 'every hour of the day for each member of staff, zeros included');
  for (const [staff, hours] of Object.entries(STAFF_HOURS)) {
    for (const row of hourly.rows.filter((x) => x.staff === staff)) {
      const hh = String(row.period).slice(11);
      t.same(pick(row, STAFF_COLUMNS), hours[hh] ?? [0, 0, 0, null, null, 0, 0, 0, 0, 0, 0], `${staff} ${hh}`);
    }
  }

  const teams = (await get(`${base}/team-stats?date=${DAY}`, 'riverside-practice-token')).json();
  t.same(Object.fromEntries(teams.totals.map((row) => [row.team, pick(row, TEAM_COLUMNS)])), TEAM_TOTALS, 'each team over the day');
  for (const row of teams.rows.filter((x) => x.team === 'F81001.reception')) {
    const hh = String(row.period).slice(11);
    t.same(pick(row, TEAM_COLUMNS), RECEPTION_HOURS[hh] ?? [0, 0, 0, 0, 0, 0, null, null, null, 0], `reception ${hh}`);
  }

  // The CSV holds the same figures as the JSON, line for line, and the hand count.
  for (const [path, idKey, columns, json] of [['staff-stats', 'staff', STAFF_COLUMNS, hourly], ['team-stats', 'team', TEAM_COLUMNS, teams]] as const) {
    const csv = await get(`${base}/${path}?date=${DAY}&format=csv`, 'riverside-practice-token');
    t.match(csv.type, /^text\/csv/);
    const [header, ...lines] = csvRows(csv.text);
    t.same(header, ['period', idKey, 'name', ...columns]);
    const expected = [...json.rows.map((row) => csvOf([row.period, row[idKey], row.name, ...pick(row, columns)])), ...json.totals.map((row) => csvOf(['total', row[idKey], row.name, ...pick(row, columns)]))];
    t.same(lines, expected, `${path} CSV = JSON`);
  }
  const staffCsv = (await get(`${base}/staff-stats?date=${DAY}&format=csv`, 'riverside-practice-token')).text;
  t.match(staffCsv, '\ntotal,alice,Alice Adams,1,1,200,200,240,120,0,16800,16365,315,0\n');
  t.match(staffCsv, '\n2026-06-16T08:00,bob,Bob Brown,1,0,95,95,120,60,1,3600,3405,95,40\n');
  t.match((await get(`${base}/team-stats?date=${DAY}&format=csv`, 'riverside-practice-token')).text, '\ntotal,F81001.reception,Reception,6,3,2,1,0,1,78,180,66.7,8.67\n');

  // Across staff to teams, and teams to the CBT counters of the PCN's practices, where they overlap.
  const sum = (rows: Row[], column: string) => rows.reduce((a, row) => a + Number(row[column] ?? 0), 0);
  const grays = (await get(`${sb.url}/v1/practices/F81002/team-stats?date=${DAY}&granularity=period`, 'grays-practice-token')).json();
  const allTeams = [...teams.totals, ...grays.totals.filter((row) => row.team === 'F81002.reception')];
  const cbt = (await get(`${sb.url}/v1/stats?scope=pcn:U12345&from=${DAY}&measures=CBT003,CBT004,CBT005,CBT006,answered_under_2m_pct`, 'thurrock-pcn-token')).json().rows[0]!;
  t.equal(sum(totals.totals, 'calls_answered'), sum(teams.totals, 'answered'), 'calls answered by staff = calls answered in their teams');
  t.equal(sum(totals.totals, 'calls_answered'), cbt.CBT003, 'staff answered = CBT003');
  t.equal(sum(totals.totals, 'callbacks_made'), cbt.CBT006, 'call-backs made by staff = CBT006');
  t.equal(sum(allTeams, 'offered'), Number(cbt.CBT003) + Number(cbt.CBT004) + Number(cbt.CBT005), 'teams offered = CBT003 + CBT004 + CBT005');
  t.equal(sum(allTeams, 'abandoned'), cbt.CBT004, 'teams abandoned = CBT004');
  t.equal(sum(allTeams, 'callback_requests'), cbt.CBT005, 'teams call-back requests = CBT005');
  const within = allTeams.reduce((a, row) => a + (Number(row.within_target_pct ?? 0) * Number(row.answered)) / 100, 0);
  t.equal(Math.round((within / sum(allTeams, 'answered')) * 1000) / 10, cbt.answered_under_2m_pct, 'answered within the 2-minute target, as CBT');
  const signedIn = (ids: string[]) => Math.round((totals.totals.filter((row) => ids.includes(String(row.staff))).reduce((a, row) => a + Number(row.signed_in_s), 0) / 3600) * 100) / 100;
  t.equal(teams.totals.find((row) => row.team === 'F81001.reception')!.staff_hours_signed_in, signedIn(['alice', 'bob']), 'reception staff-hours = Alice + Bob signed in');
  t.equal(teams.totals.find((row) => row.team === 'F81001.prescriptions')!.staff_hours_signed_in, signedIn(['bob', 'carol']), 'prescriptions staff-hours = Bob + Carol');

  // A week and a month hold the day, in day rows.
  const week = (await get(`${base}/staff-stats?period=week&date=${DAY}&staff=alice`, 'riverside-practice-token')).json();
  t.same([week.from, week.to, week.granularity, week.rows.length], ['2026-06-15', '2026-06-21', 'day', 7]);
  t.same(pick(week.rows[1]!, STAFF_COLUMNS), STAFF_TOTALS.alice, 'Tuesday of the week is the day');
  const month = (await get(`${base}/team-stats?period=month&date=${DAY}&team=F81001.reception&granularity=period`, 'riverside-practice-token')).json();
  t.same([month.from, month.to], ['2026-06-01', '2026-06-30']);
  t.same(pick(month.totals[0]!, TEAM_COLUMNS), TEAM_TOTALS['F81001.reception']);
});

t.test('scoping: each token kind sees what it may, and nothing else', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: reportsDirectory(), clock: manualClock(at('13:00:00')) });
  const staffOf = async (ods: string, token?: string, query = '') => get(`${sb.url}/v1/practices/${ods}/staff-stats?date=${DAY}&granularity=period${query}`, token);
  const teamsOf = async (ods: string, token?: string) => get(`${sb.url}/v1/practices/${ods}/team-stats?date=${DAY}&granularity=period`, token);
  const ids = (res: Awaited<ReturnType<typeof get>>, key: string) => res.json().totals.map((row) => row[key]);

  t.same(ids(await staffOf('F81001', 'riverside-practice-token'), 'staff'), ['alice', 'bob', 'carol', 'hana'], 'practice: its own staff');
  t.same(ids(await staffOf('F81001', 'riverside-practice-token', '&staff=bob'), 'staff'), ['bob'], 'practice: one of its staff');
  t.equal((await staffOf('F81001', 'riverside-practice-token', '&staff=gita')).status, 404, "practice: another practice's staff are not its");
  t.same(ids(await teamsOf('F81001', 'riverside-practice-token'), 'team'), ['F81001.reception', 'F81001.prescriptions', 'U12345.hub'], 'practice: its teams and its PCN-wide teams');
  t.equal((await staffOf('F81002', 'riverside-practice-token')).status, 403, "practice: another practice's staff");
  t.equal((await teamsOf('F81002', 'riverside-practice-token')).status, 403, "practice: another practice's teams");

  t.same(ids(await staffOf('F81001', 'alice-token'), 'staff'), ['alice'], 'staff: only their own figures');
  t.same(ids(await staffOf('F81001', 'alice-token', '&staff=alice'), 'staff'), ['alice']);
  const colleague = await staffOf('F81001', 'alice-token', '&staff=bob');
  t.equal(colleague.status, 403, "staff: a colleague's figures are refused");
  t.match(colleague.json().detail, /only its own/);
  t.equal((await teamsOf('F81001', 'alice-token')).status, 403, 'staff: no team figures');
  t.equal((await staffOf('F81002', 'alice-token')).status, 403, 'staff: another practice');

  t.same(ids(await teamsOf('F81001', 'thurrock-pcn-token'), 'team'), ['U12345.hub'], 'PCN: PCN-wide teams only');
  t.equal((await staffOf('F81001', 'thurrock-pcn-token')).status, 403, "PCN: no individual's figures");
  const icbStaff = await staffOf('F81001', 'mse-icb-token');
  t.equal(icbStaff.status, 403, 'ICB: no staff figures');
  t.equal(icbStaff.json().detail, "an ICB token may not read an individual's figures");
  t.equal((await staffOf('F81001', 'thurrock-pcn-token')).json().detail, "a PCN token may not read an individual's figures");
  t.equal((await teamsOf('F81001', 'mse-icb-token')).status, 403, 'ICB: no team figures');
  t.equal((await staffOf('F81001')).status, 401, 'no token');
  t.equal((await teamsOf('F81001', 'nobody')).status, 401, 'an unknown token');
});

t.test('bad queries get a 4xx with a sentence', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: reportsDirectory(), clock: manualClock(at('13:00:00')) });
  const cases: [string, number, RegExp][] = [
    ['F81001/staff-stats?period=year', 400, /period/],
    ['F81001/staff-stats?date=2026-02-30', 400, /not a calendar date/],
    ['F81001/team-stats?period=month&granularity=hour', 400, /granularity=hour/],
    ['F81001/staff-stats?perod=week', 400, /unknown query parameter perod/],
    ['F81001/team-stats?team=F81002.reception', 404, /no team F81002.reception/],
    ['F89999/staff-stats', 404, /no practice F89999/],
  ];
  for (const [path, status, detail] of cases) {
    const res = await get(`${sb.url}/v1/practices/${path}`, 'riverside-practice-token');
    t.equal(res.status, status, path);
    t.match(res.json().detail, detail, path);
  }
});

t.test("through the service: presence set over the API is counted, the open stretch too, and kept the practice's reportRetentionDays", async (t) => {
  const redis = await privateRedis(t);
  const clock = manualClock(at('13:00:00'));
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: reportsDirectory(), clock });
  const presence = async (state: string, when: string) => {
    clock.set(at(when));
    t.equal((await sb.api('PUT', '/v1/staff/gita/presence', 'gita-token', { state })).status, 200);
  };
  const gita = async () => (await get(`${sb.url}/v1/practices/F81002/staff-stats?date=${DAY}&granularity=period`, 'gita-token')).json().totals[0]!;
  await presence('available', '13:00:00');
  await presence('away', '13:20:00');
  await presence('offline', '13:30:00');
  t.same([(await gita()).signed_in_s, (await gita()).available_s, (await gita()).away_s], [1800, 1200, 600]);
  await presence('available', '14:00:00');
  clock.set(at('14:15:00'));
  t.equal((await gita()).signed_in_s, 2700, 'the stretch Gita is in now counts up to now');
  const team = (await get(`${sb.url}/v1/practices/F81002/team-stats?date=${DAY}&granularity=period`, 'grays-practice-token')).json().totals[0]!;
  t.equal(team.staff_hours_signed_in, 0.75, 'and in her team');
  const ttl = await sb.redis.pttl(`sb:{U12345}:mi:s:gita:${Math.floor(at('13:00:00') / 86_400_000)}`);
  t.ok(ttl > 399 * 86_400_000 && ttl <= 400 * 86_400_000, `kept Grays' reportRetentionDays (400 days): ${ttl} ms`);
});
