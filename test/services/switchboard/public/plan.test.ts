import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { browserTest, collectPageErrors, launchChromium } from '../../../helpers/browser.js';
import { privateRedis } from '../../../helpers/redis.js';
import { CallPlayer, manualClock, statsDirectory } from '../../../helpers/stats.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';
import { projectRoot } from '../../../../shared/paths.js';

const ARTIFACTS = join(projectRoot(), 'test', 'artifacts');
const R = ['U12345', 'F81001', 'F81001.reception'] as const;

/** Calls per quarter hour on a Monday morning at Riverside: the 8am rush, then a steady morning. */
const MORNING: Record<string, number> = { '08:00': 20, '08:15': 14, '08:30': 10, '08:45': 8, '09:00': 6, '09:15': 6, '09:30': 5, '09:45': 5, '10:00': 4, '10:15': 4, '10:30': 3, '10:45': 3 };

async function playMornings(player: CallPlayer, dates: string[]) {
  for (const date of dates) {
    for (const [time, calls] of Object.entries(MORNING)) {
      const start = Date.parse(`${date}T${time}:00Z`);
      for (let i = 0; i < calls; i++) {
        const arrive = start + Math.floor((900_000 * i) / calls);
        // One in six hangs up after a minute and a half; the rest are answered after a wait that grows with the rush.
        if (i % 6 === 5) await player.missed(...R, arrive, 90);
        else await player.answered(...R, arrive, Math.round(calls * 3), 170 + (i % 4) * 20);
      }
    }
  }
}

browserTest('the roster planner in a real browser: demand, people needed against rostered, and a what-if', async (t) => {
  const redis = await privateRedis(t);
  const clock = manualClock(Date.parse('2026-12-06T20:00:00Z')); // Sunday evening, planning Monday
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: statsDirectory(), clock, env: { SWEEP_INTERVAL_MS: '60000' } });
  await playMornings(new CallPlayer(redis.connect()), ['2026-11-23', '2026-11-30']);

  const browser = await launchChromium(t);
  const pageErrors: string[] = [];
  const requests: string[] = [];
  browser.on('request', (r) => requests.push(r.url()));
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1440, height: 1500 });
  collectPageErrors(page, pageErrors);

  await page.goto(`${sb.url}/plan?weekday=mon`);
  await page.fill('#signin input[name=token]', 'riverside-practice-token');
  await page.click('#signin button');
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'Up to date');
  t.equal(await page.locator('#scope-name').innerText(), 'Roster planner · practice F81001', 'the token’s own practice');
  t.match(await page.locator('#model').innerText(), /Learnt from 2 Mondays of the last 4 weeks/);
  t.match(await page.locator('#model').innerText(), /Roster: last Monday \(2026-11-30\), from its calls/);

  const rows = page.locator('#editor tbody tr');
  t.equal(await rows.count(), 12, 'a row per quarter hour with calls, 08:00–11:00');
  const first = rows.nth(0).locator('td');
  t.equal(await first.nth(0).innerText(), '08:00–08:15');
  t.equal(await first.nth(1).innerText(), '20', 'calls on an average Monday at 08:00');
  const needed = Number(await first.nth(2).innerText());
  t.ok(needed >= 4, `${needed} people needed at 08:00`);
  t.equal(await page.locator('#demand rect.calls').count(), 12, 'the demand curve: a bar per quarter hour');
  t.equal(await page.locator('#staffing path').count(), 3, 'needed, needed if nobody hung up, rostered');

  // What-if: the people needed everywhere, then one fewer at 08:00.
  await page.click('#use-needed');
  await page.waitForFunction(() => document.querySelector('#changes')?.textContent === 'The people needed meet the target.');
  await page.locator('#editor tbody tr').nth(0).locator('input').fill(String(needed - 1));
  await page.click('#recalculate');
  await page.waitForFunction(() => document.querySelector('#changes li')?.textContent === 'One more person 08:00–08:15 on Mondays');
  t.equal(await page.locator('#editor tbody tr').nth(0).getAttribute('class'), 'short', 'the short quarter hour is marked');
  t.match(await page.locator('#model').innerText(), /Roster: yours/);

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'plan.png'), fullPage: true });

  // The same people in every quarter hour: the page sends the roster as one span.
  for (const input of await page.locator('#editor tbody tr input').all()) await input.fill(String(needed + 3));
  await page.click('#recalculate');
  await page.waitForFunction(() => document.querySelector('#changes li')?.textContent === 'This roster meets the target in every quarter hour.');
  t.equal(await page.locator('#status').innerText(), 'Up to date', 'one span is a roster like any other');
  t.equal(await page.locator('#editor tbody tr.short').count(), 0);

  // Another day with no history says so.
  await page.selectOption('#weekday', 'tue');
  await page.waitForFunction(() => /No Tuesdays in the last 4 weeks/.test(document.querySelector('#notes')?.textContent ?? ''));

  // A PCN is planned per staff pool: the sum is shown, and a roster is tried on a practice's plan.
  await page.click('#signout');
  await page.goto(`${sb.url}/plan?weekday=mon`);
  await page.fill('#signin input[name=token]', 'thurrock-pcn-token');
  await page.click('#signin button');
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'Up to date');
  t.match(await page.locator('#notes').innerText(), /Planned as 2 staff pools, each with its own people: Riverside Surgery, Grays Health Centre/);
  t.match(await page.locator('#notes').innerText(), /To try a roster, open a practice’s plan/);
  t.equal(await page.locator('#recalculate').isDisabled(), true, 'no what-if for the sum of the pools');
  t.equal(await page.locator('#editor tbody tr').nth(0).locator('input').isDisabled(), true);

  // The ICB sees predicted service levels only: no staffing, no editor.
  await page.click('#signout');
  await page.goto(`${sb.url}/plan?practice=F81001&weekday=mon`);
  await page.fill('#signin input[name=token]', 'mse-icb-token');
  await page.click('#signin button');
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'Up to date');
  t.equal(await page.locator('#editor-panel').isHidden(), true);
  t.equal(await page.locator('#staff-panel').isHidden(), true);
  t.match(await page.locator('#day-within').innerText(), /^\d+(\.\d)?%$/, 'the predicted service level is shown');

  t.same(pageErrors, [], 'no errors in the page');
  t.same(requests.filter((u) => !u.startsWith(sb.url)), [], 'nothing loaded from anywhere else');
});
