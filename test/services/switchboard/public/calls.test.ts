import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Redis } from 'ioredis';
import type { Page } from 'playwright-core';
import { projectRoot } from '../../../../shared/paths.js';
import { CallQueue } from '../../../../shared/queue/queue.js';
import { callsDirectory } from '../../../fixtures/calls.js';
import { browserTest, collectPageErrors, launchChromium, seriousAxeViolations } from '../../../helpers/browser.js';
import { at, DAY, playKnownDay } from '../../../helpers/known-day.js';
import { RIVERSIDE_CALLS } from '../../../helpers/known-day-counts.js';
import { privateRedis } from '../../../helpers/redis.js';
import { manualClock } from '../../../helpers/stats.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';

const ARTIFACTS = join(projectRoot(), 'test', 'artifacts');
const DAY_MS = 86_400_000;

/** Each result row: its call id and every cell's figure as the API gave it (data-value). */
const rows = (page: Page) =>
  page.$$eval('#results tbody tr', (trs) => trs.map((tr) => [(tr as HTMLElement).dataset.callId, ...[...tr.querySelectorAll('[data-value]')].map((c) => (c as HTMLElement).dataset.value)]));
const ids = async (page: Page) => (await rows(page)).map((r) => r[0]);

browserTest('finding a call in a real browser: the known day, each filter, paging, CSV, refusals, accessibility', async (t) => {
  const redis = await privateRedis(t);
  const r = new Redis(redis.url);
  t.teardown(() => r.disconnect());
  await playKnownDay(r);
  // Sixty callers the day before, so that the results run to two pages.
  const q = new CallQueue(r);
  for (let i = 0; i < 60; i++) {
    const arrive = at('09:00:00') - DAY_MS + i * 60_000;
    await q.enqueue('U12345', { callId: `twilio:CA-before-${i}`, team: 'F81001.reception', practice: 'F81001', from: `+4477009${String(10_000 + i)}`, provider: 'twilio', providerCallId: `CA-before-${i}` }, arrive);
    await q.endCall('U12345', `twilio:CA-before-${i}`, 'F81001', 30 * DAY_MS, 0, arrive + 30_000);
  }
  // A directory with sign-in configured, so the page offers the NHS sign-in beside the token.
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: callsDirectory({ issuer: 'http://127.0.0.1:9' }), clock: manualClock(at('13:00:00')) });

  const res = await fetch(`${sb.url}/calls`);
  t.equal(res.status, 200);
  t.match(res.headers.get('content-security-policy'), /default-src 'self'/, 'nothing loads from elsewhere');
  const html = await res.text();
  t.notMatch(html, /https?:\/\//, 'no external URL in the page');
  t.notMatch(html, /<script>/, 'no inline script');

  // bypassCSP only so that axe-core can be injected into a page whose CSP allows no inline script.
  const browser = await launchChromium(t, { bypassCSP: true });
  const pageErrors: string[] = [];
  const requests: string[] = [];
  browser.on('request', (req) => requests.push(req.url()));
  const open = async (token: string, path = '/calls') => {
    const page = await browser.newPage();
    collectPageErrors(page, pageErrors);
    await page.goto(sb.url + path);
    await page.waitForSelector('#signin-nhs:not([hidden])');
    await page.fill('#signin input[name=token]', token);
    await page.click('#signin button');
    await page.waitForFunction(() => ['Up to date', 'Not allowed', 'Not searched'].includes(document.querySelector('#status')?.textContent ?? ''));
    return page;
  };
  const searchFor = async (page: Page, fill: () => Promise<void>) => {
    await page.evaluate(() => (document.querySelector('#status')!.textContent = ''));
    await fill();
    await page.click('#search button');
    await page.waitForFunction(() => ['Up to date', 'Not searched'].includes(document.querySelector('#status')?.textContent ?? ''));
  };

  const page = await open('riverside-practice-token');
  t.equal(await page.locator('#scope-name').innerText(), 'Find a call · F81001');
  t.equal(await page.inputValue('#search input[name=from]'), DAY, "no date given: the server's today");
  t.same(
    await rows(page),
    RIVERSIDE_CALLS.map((c) => [c.callId, new Date(at(c.arrived)).toISOString(), c.team, c.answeredBy ?? '', c.outcome, String(c.wait), String(c.talk), c.last4?.slice(1) ?? '']),
    'the known day, call by call, as counted by hand',
  );
  t.equal(await page.locator('#summary').innerText(), `8 calls found (${DAY}).`);
  const first = page.locator('#results tr[data-call-id="twilio:CA-day-1"]');
  t.same(await first.locator('th, td').allInnerTexts().then((cells) => cells.slice(1, 6)), ['Reception', 'Alice Adams', 'Answered', '0:10', '3:20'], 'names, words and times as people read them');
  t.match(await first.locator('th').innerText(), /Tue 16 Jun,? 08:00:00/);
  t.equal(await first.locator('td.caller span[aria-hidden]').innerText(), '••• ••• •', 'the number masked…');
  t.equal(await first.locator('td.caller').textContent(), '••• ••• •number ending 001', '…to its last three digits, read out as such');
  t.equal(await page.locator('#results tr[data-call-id="twilio:CA-day-ivr"] td.caller').innerText(), 'withheld');
  t.notMatch(await page.content(), /\+44|7700900/, 'no number in the page beyond its last three digits');
  t.ok(await page.locator('#pages').isHidden(), 'one page: no paging');

  await searchFor(page, () => page.fill('#search input[name=digits]', '0003'));
  t.same(await ids(page), ['twilio:CA-day-3'], 'the last four digits');
  t.notMatch(page.url(), /digits|0003/, 'the digits are not kept in the address');

  await searchFor(page, async () => {
    await page.fill('#search input[name=digits]', '');
    await page.selectOption('#search select[name=team]', { label: 'Prescriptions' });
    await page.selectOption('#search select[name=staff]', { label: 'Carol Clark' });
  });
  t.same(await ids(page), ['twilio:CA-day-4'], 'a team (overflowed to) and who answered');
  t.match(page.url(), /team=F81001.prescriptions&staff=carol/, 'the other filters are, so a reload searches again');
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'Up to date');
  t.same(await ids(page), ['twilio:CA-day-4'], 'after a reload, the same search');
  t.equal(await page.inputValue('#search select[name=team]'), 'F81001.prescriptions');

  await searchFor(page, async () => {
    await page.selectOption('#search select[name=team]', '');
    await page.selectOption('#search select[name=staff]', '');
    await page.fill('#search input[name=fromTime]', '08:00');
    await page.fill('#search input[name=toTime]', '08:10');
  });
  t.same(await ids(page), ['twilio:CA-day-1', 'twilio:CA-day-2', 'twilio:CA-day-3'], 'a time of day');

  // CSV: every call the search finds.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#results caption a.csv')]);
  const csv = readFileSync((await download.path())!, 'utf8');
  t.equal(csv.trim().split('\n').length, 4, 'a header and the three calls');
  t.match(csv, `twilio:CA-day-2,${DAY},08:01:00,Reception,Bob Brown,answered,65,95,••• ••• •002,,,,\n`);

  await searchFor(page, () => page.fill('#search input[name=digits]', '12'));
  t.match(await page.locator('#problem').innerText(), /give at least the last 3 digits/, "the server's sentence, shown");
  t.equal(await page.getAttribute('#search input[name=digits]', 'aria-invalid'), 'true', 'and the field marked');
  t.equal(await page.locator('#results tbody tr').count(), 0, 'and no results beside a search that was not made');

  // Two days: the sixty callers of the 15th and the known day, fifty a page.
  await searchFor(page, async () => {
    await page.fill('#search input[name=digits]', '');
    await page.fill('#search input[name=fromTime]', '');
    await page.fill('#search input[name=toTime]', '');
    await page.fill('#search input[name=from]', '2026-06-15');
  });
  t.equal(await page.locator('#problem').innerText(), '', 'the problem is gone');
  t.equal(await page.locator('#summary').innerText(), '68 calls found (2026-06-15 to 2026-06-16): 1–50 shown.');
  t.equal((await ids(page)).length, 50);
  t.equal(await page.locator('#page-of').innerText(), 'Page 1 of 2');
  await page.evaluate(() => (document.querySelector('#status')!.textContent = ''));
  await page.click('#next');
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'Up to date');
  t.same(await ids(page), [...Array.from({ length: 10 }, (_, i) => `twilio:CA-before-${50 + i}`), ...RIVERSIDE_CALLS.map((c) => c.callId)], 'page two: the last ten of the 15th, then the known day');
  t.ok(await page.locator('#next').isDisabled(), 'no page three');

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'calls.png'), fullPage: true });

  // axe-core, wide and narrow: no serious or critical violation.
  for (const size of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
    await page.setViewportSize(size);
    const grave = await seriousAxeViolations(page);
    t.same(grave, [], `axe: the calls page at ${size.width}×${size.height} has no serious or critical violation`, { violations: grave });
  }

  // Refused: a read-only screen token and a member of staff see why, and no call.
  for (const [token, why] of [['riverside-screen-token', /a read-only token may not search calls/], ['alice-token', /only F81001's practice managers may search its calls/]] as const) {
    const refused = await open(token);
    t.match(await refused.locator('#problem').innerText(), why, `${token}: the reason`);
    t.equal(await refused.locator('#results tbody tr').count(), 0, `${token}: no call`);
  }

  // The reports page leads a practice manager here.
  const reports = await open('riverside-practice-token', `/reports?date=${DAY}`);
  const link = reports.locator('#find-call');
  await link.waitFor({ state: 'visible' });
  t.equal(await link.getAttribute('href'), '/calls?practice=F81001', 'with a link to find a call');

  t.same(pageErrors.filter((e) => !/status of (400|403)/.test(e)), [], 'no script errors');
  t.same(requests.filter((u) => !u.startsWith(sb.url) && !u.startsWith('blob:')), [], 'every request to Switchboard itself');
});
