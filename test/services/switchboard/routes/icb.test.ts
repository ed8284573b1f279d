import t from 'tap';
import { londonMidnight } from '../../../../shared/london-time.js';
import { DASHBOARD_MEASURES } from '../../../../shared/stats/dashboard.js';
import { privateRedis } from '../../../helpers/redis.js';
import { CallPlayer, manualClock, statsDirectory } from '../../../helpers/stats.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';

const directory = statsDirectory();
const DAY = '2026-11-03'; // a Tuesday
const at = (hhmm: string, date = DAY) => londonMidnight(date) + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * 60_000;
const TOKENS = { icb: 'mse-icb-token', pcn: 'thurrock-pcn-token', practice: 'riverside-practice-token', staff: 'alice-token' };
/** The calls are played straight into the queue; the service's own sweep must not pair them meanwhile. */
const QUIET = { SWEEP_INTERVAL_MS: '60000' };

async function get(url: string, token?: string) {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/**
 * Today (Tuesday 3 November): Riverside 14 calls (8 in the 08:00 hour), Grays 2, Tilbury 1.
 * Monday 2 November: Tilbury 6 answered in the 09:00 hour. Tuesday 27 October: Riverside 1 (last month).
 */
async function play(player: CallPlayer) {
  const r = ['U12345', 'F81001', 'F81001.reception'] as const;
  for (const hhmm of ['08:05', '08:20', '08:25', '08:30', '08:35', '08:40']) await player.answered(...r, at(hhmm), 30, 60);
  await player.answered(...r, at('10:00'), 200, 60);
  await player.answered(...r, at('14:00'), 10, 60);
  await player.missed(...r, at('08:10'), 70);
  await player.missed(...r, at('08:50'), 20);
  await player.missed(...r, at('12:30'), 20);
  await player.ivr('U12345', 'F81001', at('07:00'));
  await player.ivr('U12345', 'F81001', at('18:10'));
  await player.ivr('U12345', 'F81001', at('18:20'));
  await player.answered('U12345', 'F81002', 'F81002.reception', at('09:00'), 10, 61);
  await player.missed('U12345', 'F81002', 'F81002.reception', at('09:30'), 400);
  await player.answered('U99999', 'F81003', 'F81003.reception', at('11:00'), 130, 130);
  for (const hhmm of ['09:00', '09:10', '09:20', '09:30', '09:40', '09:50']) await player.answered('U99999', 'F81003', 'F81003.reception', at(hhmm, '2026-11-02'), 20, 60);
  await player.answered(...r, at('08:00', '2026-10-27'), 20, 60);
}

t.test('the ICB dashboard: every figure equals /v1/stats for the same scope and period, suppressed the same way', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory, clock: manualClock(at('20:00')), env: QUIET });
  await play(new CallPlayer(redis.connect()));
  const measures = DASHBOARD_MEASURES.join(',');
  const stats = async (scope: string, from: string, granularity: string) => (await get(`${sb.url}/v1/stats?scope=${scope}&from=${from}&to=${DAY}&granularity=${granularity}&measures=${measures}`, TOKENS.icb)).body.rows as Record<string, unknown>[];

  const res = await get(`${sb.url}/v1/icb/dashboard`, TOKENS.icb);
  t.equal(res.status, 200);
  const d = res.body;
  t.match(d, { icb: { code: 'QH8', name: 'Mid and South Essex ICB' }, today: { from: DAY, to: DAY }, month: { from: '2026-11-01', to: DAY }, weeks: { from: '2026-08-17', to: DAY }, suppressedBelow: 5 });
  t.same((await get(`${sb.url}/v1/icb/dashboard?date=${DAY}`, TOKENS.icb)).body, d, 'today is the default date');

  for (const p of d.practices) {
    t.same(p.today, (await stats(`practice:${p.ods}`, DAY, 'day'))[0], `${p.name} today = /v1/stats`);
    t.same(p.month, (await stats(`practice:${p.ods}`, '2026-11-01', 'month'))[0], `${p.name} this month = /v1/stats`);
  }
  t.same(d.total.today, (await stats('icb:QH8', DAY, 'day'))[0], 'the ICB today = /v1/stats');
  t.same(d.total.month, (await stats('icb:QH8', '2026-11-01', 'month'))[0], 'the ICB this month = /v1/stats');
  t.same(d.trend, await stats('icb:QH8', '2026-08-17', 'week'), 'the weekly trend = /v1/stats by week');
  t.equal(d.trend.length, 12);

  // Against a hand count of the calls played.
  const byOds = Object.fromEntries(d.practices.map((p: Record<string, any>) => [p.ods, p]));
  t.same(byOds.F81001.today, { period: DAY, CBT001: 14, CBT003: 8, answered_under_2m_pct: 87.5, CBT004: '*', CBT005: 0, CBT006: 0 }, 'Riverside today: 14 calls, 8 answered (7 under 2 minutes); 3 abandoned, suppressed');
  t.same(byOds.F81002.today, { period: DAY, CBT001: '*', CBT003: '*', answered_under_2m_pct: '*', CBT004: '*', CBT005: 0, CBT006: 0 }, 'Grays: 2 calls, suppressed');
  t.same(byOds.F81003.month, { period: '2026-11', CBT001: 7, CBT003: 7, answered_under_2m_pct: 85.7, CBT004: 0, CBT005: 0, CBT006: 0 }, 'Tilbury this month: 7 answered, 6 under 2 minutes; 0 abandoned would be 0, not *');
  t.equal(d.trend.find((w: Record<string, unknown>) => w.period === '2026-10-26').CBT001, '*', "last month's single call is in the trend, suppressed");
  t.equal(d.heatmap[1][8], 8, 'Tuesdays 08:00–08:59: 8 calls');
  t.equal(d.heatmap[0][9], 6, 'Mondays 09:00–09:59: 6 calls');
  t.equal(d.heatmap[1][9], '*', 'Tuesdays 09:00: 2 calls, suppressed');
  t.equal(d.heatmap[1][18], '*', 'Tuesdays 18:00: 2 calls that ended in the menu, suppressed');
  t.equal(d.heatmap[3][12], 0, 'Thursdays 12:00: none');
  t.equal(d.heatmap.length, 7);
  t.ok(d.heatmap.every((row: unknown[]) => row.length === 24));
});

t.test('only an ICB token of this ICB opens the dashboard; the page itself is static', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory, clock: manualClock(at('20:00')), env: QUIET });
  t.equal((await get(`${sb.url}/v1/icb/dashboard`)).status, 401, 'no token');
  for (const role of ['pcn', 'practice', 'staff'] as const) {
    const res = await get(`${sb.url}/v1/icb/dashboard`, TOKENS[role]);
    t.equal(res.status, 403, `a ${role} token is refused`);
    t.match(res.body.detail, /for ICB tokens/);
  }
  const bad = await get(`${sb.url}/v1/icb/dashboard?date=2026-02-30`, TOKENS.icb);
  t.equal(bad.status, 400);
  t.match(bad.body.detail, /not a calendar date/);
  t.equal((await get(`${sb.url}/v1/icb/dashboard?scope=pcn:U12345`, TOKENS.icb)).status, 400, 'unknown parameters are refused');
  const page = await fetch(`${sb.url}/icb`);
  t.equal(page.status, 200);
  t.match(page.headers.get('content-security-policy'), /default-src 'self'/);
  t.match(await page.text(), /<script type="module" src="\/live\/icb.js">/);
});
