import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Redis } from 'ioredis';
import type { Page } from 'playwright-core';
import { projectRoot } from '../../../../shared/paths.js';
import { at, DAY, playKnownDay, reportsDirectory } from '../../../helpers/known-day.js';
import { STAFF_TOTALS, TEAM_TOTALS } from '../../../helpers/known-day-counts.js';
import { browserTest, collectPageErrors, launchChromium } from '../../../helpers/browser.js';
import { privateRedis } from '../../../helpers/redis.js';
import { manualClock } from '../../../helpers/stats.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';

const ARTIFACTS = join(projectRoot(), 'test', 'artifacts');

/** The figures a table row holds (each cell's data-value), after its name. */
const rowValues = (page: Page, selector: string) =>
  page.$$eval(`${selector} td[data-value]`, (cells) => cells.map((c) => {
    const v = (c as HTMLElement).dataset.value!;
    return v === '' ? null : Number.isNaN(Number(v)) ? v : Number(v);
  }));

browserTest('the reports page shows the known day in a real browser, figure for figure', async (t) => {
  const redis = await privateRedis(t);
  const r = new Redis(redis.url);
  t.teardown(() => r.disconnect());
  await playKnownDay(r);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: reportsDirectory(), clock: manualClock(at('13:00:00')) });

  const res = await fetch(`${sb.url}/reports`);
  t.equal(res.status, 200);
  t.match(res.headers.get('content-security-policy'), /default-src 'self'/, 'nothing loads from elsewhere');
  const html = await res.text();
  t.notMatch(html, /https?:\/\//, 'no external URL in the page');
  t.notMatch(html, /<script>/, 'no inline script');

  const browser = await launchChromium(t, { acceptDownloads: true, viewport: { width: 1600, height: 1000 } });
  const pageErrors: string[] = [];
  const requests: string[] = [];
  browser.on('request', (req) => requests.push(req.url()));
  const open = async (token: string, query = '') => {
    const page = await browser.newPage();
    collectPageErrors(page, pageErrors);
    await page.goto(`${sb.url}/reports?date=${DAY}${query}`);
    await page.fill('#signin input[name=token]', token);
    await page.click('#signin button');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'Up to date');
    return page;
  };

  const page = await open('riverside-practice-token');
  for (const [staff, figures] of Object.entries(STAFF_TOTALS)) t.same(await rowValues(page, `#staff-day tr[data-staff=${staff}]`), figures, `${staff}'s day on the page`);
  t.equal(await page.locator('#staff-day tr[data-staff=alice] th').innerText(), 'Alice Adams');
  t.same(await page.$$eval('#staff-day tr[data-staff=alice] td', (cells) => cells.slice(0, 4).map((c) => c.textContent)), ['1', '1', '3:20', '3:20'], 'durations as a clock reads them');
  t.equal(await page.locator('#staff-day tr[data-staff=alice] td:nth-child(9)').innerText(), '4:40:00', 'signed in 07:50–12:30');
  for (const [team, figures] of Object.entries(TEAM_TOTALS)) t.same(await rowValues(page, `#teams tr[data-team="${team}"]`), figures, `${team}'s week (only the known day has calls)`);
  // Calls per hour against staff signed in: 08:00 has five calls and Alice, Bob and 55 minutes of Carol (10,500 s).
  t.same(await rowValues(page, '#hours tr[data-hour="07:00"]'), [0, 0, 0, 0.17], '07:00: Alice from 07:50, no calls yet');
  t.same(await rowValues(page, '#hours tr[data-hour="08:00"]'), [5, 3, 1, 2.92], '08:00');
  t.same(await rowValues(page, '#hours tr[data-hour="09:00"]'), [3, 2, 1, 4], '09:00: two hub calls and an abandoned one; four staff');
  t.equal(await page.locator('#week svg').count(), 7, 'a chart for each day of the week');
  t.match(await page.locator('#week svg').nth(1).getAttribute('aria-label'), /Tuesday 16 June: 8 calls offered, most at 08:00 \(5\) with 2\.9 staff signed in/);
  t.ok((await page.locator('#staff-day svg[role=img]').count()) === 4, 'a time-in-state bar per member of staff, labelled');

  // Each table's CSV link downloads the API's CSV with the page's token.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#staff-day caption a.csv')]);
  const csv = readFileSync((await download.path())!, 'utf8');
  t.match(csv, '\ntotal,alice,Alice Adams,1,1,200,200,240,120,0,16800,16365,315,0\n', 'the staff CSV holds the hand count');
  const [teamDownload] = await Promise.all([page.waitForEvent('download'), page.click('#teams caption a.csv')]);
  t.match(readFileSync((await teamDownload.path())!, 'utf8'), '\ntotal,F81001.reception,Reception,6,3,2,1,0,1,78,180,66.7,8.67\n', 'the team CSV holds the hand count');

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'reports.png'), fullPage: true });

  // A member of staff sees their own day and nothing else.
  const alice = await open('alice-token');
  t.same(await alice.$$eval('#staff-day tr[data-staff]', (rows) => rows.map((r) => (r as HTMLElement).dataset.staff)), ['alice']);
  t.same(await rowValues(alice, '#staff-day tr[data-staff=alice]'), STAFF_TOTALS.alice);
  t.ok(await alice.locator('#team-section').isHidden(), 'no team figures');
  t.match(await alice.locator('#notice').innerText(), /Team figures are not shown/);

  // The PCN sees its PCN-wide team and no individual.
  const pcn = await open('thurrock-pcn-token', '&practice=F81001');
  t.same(await pcn.$$eval('#teams tr[data-team]', (rows) => rows.map((r) => (r as HTMLElement).dataset.team)), ['U12345.hub']);
  t.same(await rowValues(pcn, '#teams tr[data-team="U12345.hub"]'), TEAM_TOTALS['U12345.hub']);
  t.ok(await pcn.locator('#staff-section').isHidden(), "no individual's figures");

  t.same(pageErrors.filter((e) => !/status of 403/.test(e)), [], 'no script errors');
  t.same(requests.filter((u) => !u.startsWith(sb.url) && !u.startsWith('blob:')), [], 'every request to Switchboard itself');
});
