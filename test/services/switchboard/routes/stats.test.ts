import t from 'tap';
import { londonMidnight } from '../../../../shared/london-time.js';
import { dayNumberOf } from '../../../../shared/stats/layout.js';
import { StatsStore } from '../../../../shared/stats/store.js';
import { privateRedis } from '../../../helpers/redis.js';
import { CallPlayer, manualClock, statsDirectory } from '../../../helpers/stats.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';

const directory = statsDirectory();
const DAY = '2026-11-03'; // a Tuesday, in GMT
const at = (hhmm: string, date = DAY) => londonMidnight(date) + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * 60_000;
const ICB = 'mse-icb-token';
const PCN = 'thurrock-pcn-token';
const RIVERSIDE = 'riverside-practice-token';

async function get(url: string, token: string | undefined, accept?: string) {
  const res = await fetch(url, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(accept ? { accept } : {}) } });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) as Record<string, any> };
}

/** The known mix of calls (see the table in docs/statistics.md's worked example). */
async function playMix(player: CallPlayer) {
  const r = ['U12345', 'F81001', 'F81001.reception'] as const;
  await player.answered(...r, at('08:05'), 0, 45, true); // wait band 0, duration <=1 min; status webhook twice
  await player.answered(...r, at('08:20'), 45, 90); // 31_60, 1-2 min
  await player.answered(...r, at('10:00'), 100, 200); // 91_120, 2-5 min
  await player.answered(...r, at('12:30'), 250, 400); // 241_300, >5 min
  await player.answered(...r, at('14:00'), 400, 30); // >300, <=1 min
  await player.missed(...r, at('08:10'), 70, true); // 61_90
  await player.missed(...r, at('18:45'), 20); // 1_30
  await player.ivr('U12345', 'F81001', at('07:00'), true);
  await player.ivr('U12345', 'F81001', at('18:10'));
  // Grays' caller waits in Riverside's PCN-wide team: counted against Grays, the practice they rang.
  await player.answered('U12345', 'F81002', 'F81001.reception', at('09:00'), 10, 61);
  await player.missed('U12345', 'F81002', 'F81002.reception', at('09:30'), 400);
  await player.answered('U99999', 'F81003', 'F81003.reception', at('11:00'), 130, 130);
}

const riversideDay = {
  CBT001: 9, CBT002: 2, CBT003: 5, CBT004: 2, CBT005: 0, CBT006: 0,
  CBT003_wait_le1m: 2, CBT003_wait_1_2m: 1, CBT003_wait_2_5m: 1, CBT003_wait_gt5m: 1,
  CBT004_wait_le1m: 1, CBT004_wait_1_2m: 1, CBT004_wait_2_5m: 0, CBT004_wait_gt5m: 0,
  CBT007_le1m: 2, CBT007_1_2m: 1, CBT007_2_5m: 1, CBT007_gt5m: 1,
  answered_under_2m_pct: 60, callbacks_made_pct: null,
  mean_answer_wait_s: 159, mean_missed_wait_s: 45, mean_talk_s: 153, mean_callback_answer_s: null,
};


/** The calls here are played straight into the queue; the service's own sweep must not pair them meanwhile. */
const QUIET = { SWEEP_INTERVAL_MS: '60000' };

t.test('a known mix of calls: every measure and band, at practice, PCN and ICB scope, JSON and CSV', async (t) => {
  const redis = await privateRedis(t);
  const clock = manualClock(at('20:00'));
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory, clock, env: { ...QUIET, STATS_SUPPRESS_BELOW: '0' } });
  await playMix(new CallPlayer(redis.connect()));
  const stats = (q: string, token = ICB, accept?: string) => get(`${sb.url}/v1/stats?${q}`, token, accept);

  let res = await stats(`scope=practice:F81001&from=${DAY}&to=${DAY}`, RIVERSIDE);
  t.equal(res.status, 200);
  t.match(res.type, /^application\/json/);
  const body = res.json();
  t.same(body, { scope: 'practice:F81001', from: DAY, to: DAY, granularity: 'day', suppressedBelow: 0, rows: [{ period: DAY, ...riversideDay }] }, 'Riverside: every measure exactly');

  const totals = async (scope: string) => (await stats(`scope=${scope}&from=${DAY}&measures=CBT001,CBT002,CBT003,CBT004,CBT005,CBT006,CBT007_1_2m,CBT004_wait_gt5m`)).json().rows[0];
  t.same(await totals('pcn:U12345'), { period: DAY, CBT001: 11, CBT002: 2, CBT003: 6, CBT004: 3, CBT005: 0, CBT006: 0, CBT007_1_2m: 2, CBT004_wait_gt5m: 1 }, 'the PCN is its two practices');
  t.same(await totals('icb:QH8'), { period: DAY, CBT001: 12, CBT002: 2, CBT003: 7, CBT004: 3, CBT005: 0, CBT006: 0, CBT007_1_2m: 2, CBT004_wait_gt5m: 1 }, 'the ICB is its three practices');
  t.same(await totals('practice:F81002'), { period: DAY, CBT001: 2, CBT002: 0, CBT003: 1, CBT004: 1, CBT005: 0, CBT006: 0, CBT007_1_2m: 1, CBT004_wait_gt5m: 1 }, 'the shared-team call is Grays\'');

  res = await stats(`scope=practice:F81001&from=${DAY}&granularity=hour&measures=CBT001,CBT003,CBT004`);
  const hours = res.json().rows as Record<string, unknown>[];
  t.equal(hours.length, 24);
  t.same(hours.find((h) => h.period === `${DAY}T08:00`), { period: `${DAY}T08:00`, CBT001: 3, CBT003: 2, CBT004: 1 });
  t.same(hours.filter((h) => (h.CBT001 as number) > 0).map((h) => h.period), ['07', '08', '10', '12', '14', '18'].map((h) => `${DAY}T${h}:00`));
  res = await stats(`scope=practice:F81001&from=${DAY}&granularity=15m&measures=CBT001`);
  const quarters = res.json().rows as Record<string, unknown>[];
  t.equal(quarters.length, 96);
  t.same(quarters.filter((q) => (q.CBT001 as number) > 0).map((q) => `${(q.period as string).slice(11)}=${q.CBT001}`), ['07:00=1', '08:00=2', '08:15=1', '10:00=1', '12:30=1', '14:00=1', '18:00=1', '18:45=1']);

  for (const granularity of ['week', 'month']) {
    res = await stats(`scope=icb:QH8&from=2026-11-01&to=2026-11-30&granularity=${granularity}&measures=CBT001,CBT003`);
    const rows = res.json().rows as Record<string, number>[];
    t.same(rows.find((r) => r.CBT001! > 0), { period: granularity === 'week' ? '2026-11-02' : '2026-11', CBT001: 12, CBT003: 7 }, `${granularity}: the day rolls up`);
    t.equal(rows.reduce((s, r) => s + r.CBT001!, 0), 12);
  }

  res = await stats(`scope=pcn:U12345&from=${DAY}&to=2026-11-04&measures=CBT001,CBT003,answered_under_2m_pct`, PCN, 'text/csv');
  t.equal(res.status, 200);
  t.match(res.type, /^text\/csv/);
  t.equal(res.text, `period,CBT001,CBT003,answered_under_2m_pct\n${DAY},11,6,66.7\n2026-11-04,0,0,\n`, 'CSV: a header and a line a day');
  t.equal((await stats(`scope=pcn:U12345&from=${DAY}&format=csv&measures=CBT002`, PCN)).text, `period,CBT002\n${DAY},2\n`, 'format=csv does the same');

  // The monthly extract: rows per practice, day, indicator and band; codes from the directory.
  res = await get(`${sb.url}/v1/stats/cbt-extract?month=2026-11`, ICB);
  t.equal(res.status, 200);
  t.match(res.type, /^text\/csv/);
  const [header, ...lines] = res.text.trim().split('\n');
  t.equal(header, 'Date,REGION_CODE,ICB_CODE,SUB_ICB_LOCATION_CODE,PCN_CODE,PRACTICE_CODE,Indicator,Time_Category,Core_Category,Breakdown,Value');
  const rows = lines.map((l) => l.split(','));
  t.equal(rows.filter((r) => r[6] === 'CBT001').length, 3 * 30 * 9, 'CBT001 for every practice, day and time band, zeros included');
  const value = (ods: string, indicator: string, band: string, breakdown = 'Total', date = DAY) =>
    rows.filter((r) => r[0] === date && r[5] === ods && r[6] === indicator && r[7] === band && r[9] === breakdown).map((r) => `${r.slice(1, 5).join('/')} ${r[8]} ${r[10]}`);
  t.same(value('F81001', 'CBT001', '08:00-09:59'), ['Y61/QH8/99E/U12345 Core_8_10 3']);
  t.same(value('F81001', 'CBT002', '06:00-07:59'), ['Y61/QH8/99E/U12345 Non-Core 1'], 'the repeated IVR end counted once');
  t.same(value('F81001', 'CBT002', '18:00-18:29'), ['Y61/QH8/99E/U12345 Core_10_1830 1']);
  t.same(value('F81001', 'CBT004', '18:30-23:59', '1_30'), ['Y61/QH8/99E/U12345 Non-Core 1']);
  t.same(value('F81001', 'CBT003', '14:00-15:59', '>300'), ['Y61/QH8/99E/U12345 Core_10_1830 1']);
  t.same(value('F81001', 'CBT007', '12:00-13:59', '>5min'), ['Y61/QH8/99E/U12345 Core_10_1830 1']);
  t.same(value('F81003', 'CBT003', '10:00-11:59', '121_180'), ['Y61/QH8/99F/U99999 Core_10_1830 1']);
  const total = (indicator: string, ods?: string, breakdown = 'Total') => rows.filter((r) => r[6] === indicator && r[9] === breakdown && (!ods || r[5] === ods)).reduce((s, r) => s + Number(r[10]), 0);
  t.same(['CBT001', 'CBT002', 'CBT003', 'CBT004', 'CBT005', 'CBT006'].map((i) => total(i)), [12, 2, 7, 3, 0, 0], 'the extract adds up to the ICB totals; CBT005/6 present as zeros');
  t.equal(rows.filter((r) => r[6] === 'CBT007').reduce((s, r) => s + Number(r[10]), 0), total('CBT003'), 'CBT007 totals equal CBT003');
  t.equal(total('CBT002') + total('CBT003') + total('CBT004') + total('CBT005'), total('CBT001'), 'CBT002+003+004+005 = CBT001');
  t.notOk(/\+44|twilio:|CA-/.test(res.text), 'no caller number or call id in the extract');

  res = await get(`${sb.url}/v1/stats/cbt-extract?month=2026-11&scope=practice:F81002&format=json`, ICB);
  const extract = res.json();
  t.same(extract.columns[0], 'Date');
  t.ok((extract.rows as unknown[][]).every((r) => r[5] === 'F81002'), 'a practice extract has only that practice');
  t.equal((extract.rows as unknown[][]).filter((r) => r[6] === 'CBT004' && r[9] === 'Total').reduce((s: number, r) => s + (r[10] as number), 0), 1);

  // A call-back requested (the outcome issue 4's records will carry) and made: recounted from the
  // retained records, then the hook counts CBT006 once however often it is told.
  const store = new StatsStore(redis.connect(), () => directory);
  const riverside = directory.practice('F81001')!;
  const cb = redis.connect();
  await cb.hset('sb:{U12345}:cdr:twilio:CA-cb', { callId: 'twilio:CA-cb', practice: 'F81001', arrivedAt: at('15:00'), endedAt: at('15:02'), outcome: 'callback-requested', waitSeconds: 120, talkSeconds: 0 });
  await cb.zadd('sb:{U12345}:cdrs:F81001', at('15:02'), 'twilio:CA-cb');
  t.equal(await store.rebuildDay(riverside, dayNumberOf(DAY), at('20:00')), 10, 'rebuild counts the ten retained records of the day');
  t.equal(await store.countCallBackMade(riverside, 'twilio:CA-cb', at('15:00'), 600), true);
  t.equal(await store.countCallBackMade(riverside, 'twilio:CA-cb', at('15:00'), 600), false, 'a repeat is not counted again');
  res = await stats(`scope=practice:F81001&from=${DAY}`, RIVERSIDE);
  t.same(res.json().rows[0], { period: DAY, ...riversideDay, CBT001: 10, CBT005: 1, CBT006: 1, callbacks_made_pct: 100, mean_callback_answer_s: 600 }, 'after rebuild: the same figures, plus the call-back');
  const after = res.json().rows[0];
  t.equal(after.CBT002 + after.CBT003 + after.CBT004 + after.CBT005, after.CBT001, 'CBT002+003+004+005 = CBT001');

  // Once the day is over its 15-minute counters are compressed; the figures do not change, and a
  // call that ends late still adds to the day.
  const quartersNow = (await stats(`scope=practice:F81001&from=${DAY}&granularity=15m`, RIVERSIDE)).text;
  t.equal(await store.compactFinishedDays(riverside, at('12:00', '2026-11-06')), 1, 'one finished day compressed');
  t.equal(await cb.exists(`sb:{U12345}:stats:q:F81001:${dayNumberOf(DAY)}`), 0);
  t.ok((await cb.strlen(`sb:{U12345}:stats:qz:F81001:${dayNumberOf(DAY)}`)) < 1000, 'to under 1,000 bytes');
  t.equal((await stats(`scope=practice:F81001&from=${DAY}&granularity=15m`, RIVERSIDE)).text, quartersNow, 'the same figures');
  await new CallPlayer(cb).missed('U12345', 'F81001', 'F81001.reception', at('23:50'), 30);
  t.equal((await stats(`scope=practice:F81001&from=${DAY}&granularity=hour&measures=CBT004`, RIVERSIDE)).json().rows[23].CBT004, 1, 'a late call adds to a compressed day');
  t.equal(await store.compactDay(riverside, dayNumberOf(DAY)), true, 'and is folded in at the next compaction');
  t.equal((await stats(`scope=practice:F81001&from=${DAY}&measures=CBT001,CBT004`, RIVERSIDE)).json().rows[0].CBT004, 3);
  t.equal(await store.rebuildDay(riverside, dayNumberOf(DAY), at('20:00', '2026-11-06')), 11, 'a rebuild replaces compressed counters too');
  t.same((await stats(`scope=practice:F81001&from=${DAY}&measures=CBT001,CBT004`, RIVERSIDE)).json().rows[0], { period: DAY, CBT001: 11, CBT004: 3 });
  await t.rejects(store.rebuildDay(riverside, dayNumberOf('2026-09-01'), at('20:00')), /no longer all kept/, 'a day whose records have gone cannot be rebuilt');
});

t.test('scoping: each token reads only its own practice, PCN or ICB', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory, clock: manualClock(at('20:00')), env: QUIET });
  const status = async (scope: string, token: string, path = '/v1/stats') => (await get(`${sb.url}${path}?${scope ? `scope=${scope}&` : ''}${path.endsWith('extract') ? 'month=2026-11' : `from=${DAY}`}`, token)).status;
  t.equal(await status('icb:QH8', ICB), 200);
  t.equal(await status('practice:F81003', ICB), 200, 'an ICB reads any of its practices');
  t.equal(await status('icb:QH9', ICB), 403, 'an ICB token cannot read another ICB');
  t.equal(await status('icb:QH9', ICB, '/v1/stats/cbt-extract'), 403, 'nor its extract');
  t.equal(await status('practice:F81001', 'grays-practice-token'), 403, 'a practice cannot read its neighbour');
  t.equal(await status('practice:F81002', 'grays-practice-token'), 200);
  t.equal(await status('', 'grays-practice-token'), 200, 'a practice token reads itself by default');
  t.equal(await status('pcn:U12345', 'grays-practice-token'), 403, 'nor its PCN');
  t.equal(await status('practice:F81001', 'alice-token'), 200, 'staff read their practice');
  t.equal(await status('pcn:U12345', PCN), 200);
  t.equal(await status('practice:F81002', PCN), 200);
  t.equal(await status('practice:F81003', PCN), 403, 'a PCN cannot read another PCN\'s practice');
  t.equal(await status('pcn:U99999', PCN), 403);
  t.equal(await status('icb:QH8', PCN), 403);
  t.equal(await status('icb:QH8', PCN, '/v1/stats/cbt-extract'), 403);
  t.equal((await get(`${sb.url}/v1/stats?scope=icb:QH8`, undefined)).status, 401, 'no token: 401');
});

t.test('small numbers are suppressed outside the practice itself', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory, clock: manualClock(at('20:00')), env: QUIET });
  await playMix(new CallPlayer(redis.connect()));
  const q = `from=${DAY}&measures=CBT001,CBT002,CBT003,CBT006,answered_under_2m_pct,mean_talk_s`;
  let res = await get(`${sb.url}/v1/stats?scope=practice:F81001&${q}`, RIVERSIDE);
  t.same(res.json().rows[0], { period: DAY, CBT001: 9, CBT002: 2, CBT003: 5, CBT006: 0, answered_under_2m_pct: 60, mean_talk_s: 153 }, 'the practice sees its own small numbers');
  t.equal(res.json().suppressedBelow, 0);
  res = await get(`${sb.url}/v1/stats?scope=practice:F81001&${q}`, PCN);
  t.same(res.json().rows[0], { period: DAY, CBT001: 9, CBT002: '*', CBT003: 5, CBT006: 0, answered_under_2m_pct: 60, mean_talk_s: 153 }, 'its PCN sees 1–4 as *, zero as 0');
  res = await get(`${sb.url}/v1/stats?scope=practice:F81002&${q}&format=csv`, ICB);
  t.equal(res.text, 'period,CBT001,CBT002,CBT003,CBT006,answered_under_2m_pct,mean_talk_s\n2026-11-03,*,0,*,0,*,*\n', 'figures built on a suppressed count are suppressed too');
  res = await get(`${sb.url}/v1/stats/cbt-extract?month=2026-11&scope=practice:F81001`, ICB);
  t.ok(res.text.includes('2026-11-03,Y61,QH8,99E,U12345,F81001,CBT001,08:00-09:59,Core_8_10,Total,*'), 'and in the extract');
  t.notOk(/,[1-4]\n/.test(res.text), 'no value from 1 to 4 in the ICB\'s extract');
});

t.test('bad queries get 400 with a sentence', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory, clock: manualClock(at('20:00')), env: QUIET });
  const cases: [string, RegExp][] = [
    ['/v1/stats?scope=practice:F89999', /no practice F89999 in the directory/],
    ['/v1/stats?scope=region:Y61', /scope region:Y61 is not practice:<ODS code>/],
    ['/v1/stats?scope=icb:QH8&from=2026-11-05&to=2026-11-01', /to \(2026-11-01\) is before from \(2026-11-05\)/],
    ['/v1/stats?scope=icb:QH8&from=2026-02-30', /from=2026-02-30 is not a calendar date/],
    ['/v1/stats?scope=icb:QH8&from=2026-01-01&to=2026-03-01&granularity=15m', /60 days is too long a range at 15m granularity: at most 31 days; use day/],
    ['/v1/stats?scope=icb:QH8&from=2020-01-01&to=2026-01-01&granularity=day', /2193 days is too long a range at day granularity/],
    ['/v1/stats?scope=icb:QH8&granularity=minute', /granularity must be equal to one of the allowed values/],
    ['/v1/stats?scope=icb:QH8&measures=CBT001,CBT099', /unknown measure CBT099/],
    ['/v1/stats/cbt-extract?month=2026-13', /month=2026-13 is not a month \(YYYY-MM\)/],
    ['/v1/stats/cbt-extract?month=0001-01', /month=0001-01 is outside 2000-01 to 2099-12/],
    ['/v1/stats/cbt-extract?month=9999-12', /month=9999-12 is outside 2000-01 to 2099-12/],
    ['/v1/stats/cbt-extract', /must have required property 'month'/],
    ['/v1/stats?scope=icb:QH8&granularty=hour', /unknown query parameter granularty: use scope, from, to, granularity, measures, format/],
  ];
  for (const [path, detail] of cases) {
    const res = await get(sb.url + path, ICB);
    t.equal(res.status, 400, path);
    t.match(res.type, /^application\/problem\+json/);
    t.match(res.json().detail, detail, path);
  }
});

t.test('retention: call records go after callRecordRetentionDays; the statistics stay', async (t) => {
  const redis = await privateRedis(t);
  const first = await startSwitchboard(t, { redisUrl: redis.url, directory, clock: manualClock(at('20:00')), env: QUIET });
  await playMix(new CallPlayer(redis.connect()));
  await first.app.close();
  const r = redis.connect();
  t.equal(await r.zcard('sb:{U12345}:cdrs:F81001'), 9);

  // 31 days on: Riverside keeps records 30 days, Grays 60.
  const later = manualClock(at('20:00', '2026-12-04'));
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory, clock: later, env: QUIET });
  t.equal(await r.zcard('sb:{U12345}:cdrs:F81001'), 0, "Riverside's records are gone");
  t.equal((await r.keys('sb:{U12345}:cdr:*')).length, 2, "only Grays' two records are left");
  t.equal(await r.zcard('sb:{U12345}:cdrs:F81002'), 2);
  t.equal((await r.keys('sb:{U12345}:call:*')).length, 2, 'live call hashes go with their records');

  // Nothing left anywhere in Redis carries one of Riverside's callers' numbers.
  const values: string[] = [];
  for (const key of await r.keys('*')) {
    const type = await r.type(key);
    if (type === 'hash') values.push(...Object.values(await r.hgetall(key)));
    if (type === 'zset') values.push(...(await r.zrange(key, 0, -1)));
  }
  const kept = await Promise.all((await r.keys('sb:{U12345}:cdr:*')).map((k) => r.hget(k, 'from')));
  t.same(values.filter((v) => v.startsWith('+44')).sort(), [...kept, ...kept].sort(), "only Grays' two callers' numbers remain (in their records and live call hashes)");

  const res = await get(`${sb.url}/v1/stats?scope=icb:QH8&from=${DAY}&measures=CBT001,CBT003,CBT004`, ICB);
  t.same(res.json().rows[0], { period: DAY, CBT001: 12, CBT003: 7, CBT004: '*' }, 'the aggregates are intact');
});
