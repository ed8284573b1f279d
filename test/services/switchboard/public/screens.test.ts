import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { Page } from 'playwright-core';
import { FakeTwilio, type FakeCall } from '../../../fakes/twilio.js';
import { browserTest, collectPageErrors, launchChromium, seriousAxeViolations } from '../../../helpers/browser.js';
import { privateRedis } from '../../../helpers/redis.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';
import { GRAYS, liveDirectory, RIVERSIDE, TOKENS } from '../../../fixtures/live.js';
import { projectRoot } from '../../../../shared/paths.js';

const ARTIFACTS = join(projectRoot(), 'test', 'artifacts', 'screens');

const VIEWPORTS = [
  { name: 'tv-1080', width: 1920, height: 1080, tv: true },
  { name: 'tv-720', width: 1280, height: 720, tv: true },
  { name: 'laptop', width: 1366, height: 768, tv: false },
  { name: 'phone', width: 390, height: 844, tv: false },
] as const;
type Viewport = (typeof VIEWPORTS)[number];

/** What a screen looks like at one size, measured in the page. */
interface Layout {
  scrollHeight: number;
  scrollWidth: number;
  innerHeight: number;
  innerWidth: number;
  /** Tiles not wholly on screen (TV) or wider than the page (otherwise). */
  tilesCut: string[];
  tiles: number;
  chartOnScreen: boolean;
  rows: number;
  rowsCut: number;
  more: string | null;
  moreOnScreen: boolean;
}

function measure(page: Page, tv: boolean): Promise<Layout> {
  return page.evaluate((tv) => {
    const W = innerWidth;
    const H = innerHeight;
    const whole = (n: Element) => {
      const r = n.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.left >= -1 && r.right <= W + 1 && (!tv || (r.top >= -1 && r.bottom <= H + 1));
    };
    const tiles = [...document.querySelectorAll('.tile')];
    const list = document.querySelector('#callers');
    const rows = list ? [...list.querySelectorAll('li:not(.more):not(.empty)')] : [];
    const more = list?.querySelector('li.more') ?? null;
    const bottom = list?.getBoundingClientRect().bottom ?? 0;
    const chart = document.querySelector('#chart, #trend');
    return {
      scrollHeight: document.scrollingElement!.scrollHeight,
      scrollWidth: document.scrollingElement!.scrollWidth,
      innerHeight: H,
      innerWidth: W,
      tilesCut: tiles.filter((n) => !whole(n)).map((n) => n.textContent ?? ''),
      tiles: tiles.length,
      chartOnScreen: chart ? whole(chart) && chart.getBoundingClientRect().height >= 40 : false,
      rows: rows.length,
      rowsCut: rows.filter((r) => !whole(r) || r.getBoundingClientRect().bottom > bottom + 1).length,
      more: more?.textContent ?? null,
      moreOnScreen: more ? whole(more) && more.getBoundingClientRect().bottom <= bottom + 1 : false,
    };
  }, tv);
}

const settled = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

browserTest('every screen at TV, laptop and phone sizes with 0, 5 and 60 callers waiting; accessibility', async (t) => {
  const redis = await privateRedis(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  // A long wrap-up, so that ending it early is what puts Alice through to the next caller.
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: liveDirectory({ wrapUpSeconds: 600 }), twilio });
  // bypassCSP only so that axe-core can be injected into pages whose CSP allows no inline script.
  const browser = await launchChromium(t, { bypassCSP: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  const pageErrors: string[] = [];
  const open = async (path: string, token: string, ready: string) => {
    const page = await browser.newPage();
    collectPageErrors(page, pageErrors, `${path}: `);
    await page.goto(sb.url + path);
    await page.fill('#signin input[name=token]', token);
    await page.click('#signin button');
    await page.waitForFunction((text) => document.querySelector('#status')?.textContent?.startsWith(text), ready);
    return page;
  };
  const text = (page: Page, sel: string) => page.locator(sel).innerText();
  const waitText = (page: Page, sel: string, expected: string, timeout = 5000) => page.waitForFunction(([s, e]) => document.querySelector(s!)?.textContent === e, [sel, expected], { timeout });

  const wallboard = await open('/wallboard', TOKENS.riverside, 'Live');
  // A second wallboard in the same browser finds the first one's token kept (a kiosk's): swap it for the PCN's.
  const pcnBoard = await browser.newPage();
  pcnBoard.on('pageerror', (e) => pageErrors.push(`pcn wallboard: ${String(e)}`));
  await pcnBoard.goto(`${sb.url}/wallboard?pcn=U12345`);
  await pcnBoard.evaluate((token) => localStorage.setItem('switchboard.wallboard.token', token), TOKENS.pcn);
  await pcnBoard.reload();
  await pcnBoard.waitForFunction(() => document.querySelector('#status')?.textContent === 'Live');
  const panel = await open('/staff', TOKENS.alice, 'Live');
  const icb = await open('/icb', TOKENS.icb, 'Updated');
  const screens = { wallboard, 'staff-panel': panel, icb } as const;

  /** Every screen at every size: nothing scrolls on a TV, nothing overflows sideways anywhere, "+N more" adds up. */
  const everySize = async (waiting: number) => {
    const started = Date.now();
    await waitText(wallboard, '#waiting', String(waiting));
    await waitText(panel, '#waiting', String(waiting));
    // Each screen is a page of its own, so the three are resized, measured and saved at once; the
    // assertions then follow in a fixed order.
    const seen = await Promise.all(Object.entries(screens).map(async ([name, page]) => {
      const sizes: { vp: Viewport; m: Layout; callers?: string }[] = [];
      for (const vp of VIEWPORTS) {
        await page.setViewportSize({ width: vp.width, height: vp.height });
        await settled(page);
        const m = await measure(page, vp.tv);
        const callers = name === 'wallboard' && waiting === 0 ? await text(page, '#callers') : undefined;
        await page.screenshot({ path: join(ARTIFACTS, `${name}-${vp.width}x${vp.height}-${waiting}.png`) });
        sizes.push({ vp, m, callers });
      }
      return { name, sizes };
    }));
    for (const { name, sizes } of seen) {
      for (const { vp, m, callers } of sizes) {
        const at = `${name} at ${vp.width}×${vp.height} with ${waiting} waiting`;
        t.ok(m.scrollWidth <= m.innerWidth, `${at}: no horizontal overflow (${m.scrollWidth} ≤ ${m.innerWidth})`);
        if (vp.tv || (name === 'wallboard' && vp.name === 'laptop')) t.ok(m.scrollHeight <= m.innerHeight, `${at}: nothing scrolls (${m.scrollHeight} ≤ ${m.innerHeight})`);
        t.ok(m.tiles > 0, `${at}: has tiles`);
        t.same(m.tilesCut, [], `${at}: every tile wholly visible`);
        if (name === 'staff-panel') continue;
        if (vp.tv) t.ok(m.chartOnScreen, `${at}: the chart is on screen`);
        if (name !== 'wallboard') continue;
        t.equal(m.rowsCut, 0, `${at}: every listed caller wholly visible`);
        if (waiting === 0) t.equal(callers, 'Nobody is waiting.', `${at}: says nobody is waiting`);
        else if (m.rows < waiting) t.equal(m.more, `+${waiting - m.rows} more`, `${at}: ${m.rows} rows then "+${waiting - m.rows} more"`);
        else t.equal(m.more, null, `${at}: all ${waiting} listed, no "more"`);
        if (m.more) t.ok(m.moreOnScreen, `${at}: "+N more" is on screen`);
        if (vp.tv && waiting === 60) t.ok(m.rows >= 5, `${at}: ${m.rows} callers listed`);
      }
    }
    t.comment(`${waiting} waiting: every screen at every size in ${Date.now() - started} ms`);
  };

  // No callers.
  await everySize(0);

  // Alice takes a call; it ends and she is in wrap-up (10 minutes here); five callers queue.
  const callers: FakeCall[] = [];
  await panel.setViewportSize({ width: 1280, height: 720 });
  await panel.click('.presence button[data-state=available]');
  await waitText(panel, '#my-status', 'Available');
  callers.push(await twilio.placeCall('+447700900100', RIVERSIDE));
  await twilio.waitFor('bridged to Alice', () => callers[0]!.bridged);
  await waitText(panel, '#my-status', 'On a call');
  t.match(await text(panel, '#presence-note'), /You are on a call\. When it is over you will be Available for the next caller\./, 'the panel says in words what the pressed "Available" means');
  await twilio.staffHangsUp(callers[0]!);
  await waitText(panel, '#my-status', 'Wrap-up');
  await waitText(panel, '#my-answered', '1');
  t.ok(await panel.locator('#end-wrap-up').isVisible(), 'in wrap-up the panel offers to end it');
  await panel.waitForFunction(() => /^0:0\d$/.test(document.querySelector('#my-since')?.textContent ?? ''));
  // Waiting callers' hold loops at a fifth of real time (a webhook every 6 s each, not every 0.3 s): sixty of them must not flood the service under test.
  twilio.timeScale = 200;
  for (let i = 1; i <= 5; i++) callers.push(await twilio.placeCall(`+44770090010${i}`, RIVERSIDE));
  await everySize(5);
  await wallboard.setViewportSize({ width: 1920, height: 1080 });
  t.equal(await wallboard.locator('#sl-30').innerText(), '100%', "Alice's call, answered at once, is within target in the last 30 minutes");
  const shows = (page: Page, sel: string, pattern: RegExp) => page.waitForFunction(([s, p]) => new RegExp(p!).test((document.querySelector(s!) as HTMLElement | null)?.innerText ?? ''), [sel, pattern.source], { timeout: 5000 }).then(() => true);
  t.ok(await shows(wallboard, '#staff', /Alice Ward\s*Wrap-up\s*\d:\d\d\s*1 answered/), 'the wallboard shows her state, time in it and calls answered today');
  t.ok(await shows(wallboard, '#teams', /Reception\s*5\s*\d:\d\d\s*0/), 'the reception team: 5 waiting, their longest wait, none free');

  // Alice ends her wrap-up early: the longest-waiting caller is put through to her at once.
  await panel.click('#end-wrap-up');
  await twilio.waitFor('the first waiting caller bridged to Alice', () => callers[1]!.bridged, 5000);
  await waitText(wallboard, '#waiting', '4');

  // Fifty-six more: sixty waiting; two at Grays for the PCN screen.
  for (let batch = 0; batch < 56; batch += 8) {
    callers.push(...(await Promise.all(Array.from({ length: 8 }, (_, i) => twilio.placeCall(`+4477009002${String(batch + i).padStart(2, '0')}`, RIVERSIDE)))));
  }
  callers.push(...(await Promise.all([0, 1].map((i) => twilio.placeCall(`+4477009003${i}0`, GRAYS)))));
  await everySize(60);

  // The PCN screen says whose each caller, queue and member of staff is.
  await pcnBoard.setViewportSize({ width: 1920, height: 1080 });
  await waitText(pcnBoard, '#waiting', '62');
  await settled(pcnBoard);
  t.match(await text(pcnBoard, '#callers'), /Riverside · Reception/, 'PCN waiting rows name the practice');
  t.match(await text(pcnBoard, '#teams'), /Grays · Reception\s*2/, 'and each practice team has its row');
  t.match(await text(pcnBoard, '#staff'), /Carol Jones \(Grays\)/, 'and staff rows say whose staff they are');
  await pcnBoard.screenshot({ path: join(ARTIFACTS, 'wallboard-pcn-1920x1080-62.png') });

  // The ICB table shows /v1/stats' figures; its columns sort.
  const today = (await sb.api('GET', '/v1/stats?scope=practice:F81001&measures=CBT001,CBT004', TOKENS.icb)).body.rows as Record<string, unknown>[];
  await icb.reload();
  await icb.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('Updated'));
  t.equal(await text(icb, '#practices tr[data-ods=F81001] td[data-measure=CBT001]'), String(today[0]!.CBT001), "Riverside's calls today as /v1/stats gives them");
  t.equal(await text(icb, '#practices tr[data-ods=F81001] td[data-measure=CBT004]'), String(today[0]!.CBT004));
  await icb.getByRole('button', { name: 'PCN' }).click();
  t.equal(await icb.locator('#practices th[aria-sort]').innerText(), 'PCN', 'sorted by PCN');
  t.equal(await icb.locator('#practices th[aria-sort]').getAttribute('aria-sort'), 'ascending');

  // axe-core on every page, wide and narrow: no serious or critical violation (the pages checked at once).
  const axed = await Promise.all(Object.entries({ ...screens, 'pcn-wallboard': pcnBoard }).map(async ([name, page]) => {
    const found: { size: Viewport; grave: Awaited<ReturnType<typeof seriousAxeViolations>> }[] = [];
    for (const size of [VIEWPORTS[0], VIEWPORTS[3]]) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await settled(page);
      found.push({ size, grave: await seriousAxeViolations(page) });
    }
    return { name, found };
  }));
  for (const { name, found } of axed) {
    for (const { size, grave } of found) t.same(grave, [], `axe: ${name} at ${size.width}×${size.height} has no serious or critical violation`, { violations: grave });
  }

  t.same(pageErrors, [], 'no script errors in the pages');
  for (const c of callers) await twilio.hangUp(c);
});
