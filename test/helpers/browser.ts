import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import t, { type Test } from 'tap';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

/** Debian's chromium (apt-get install chromium); never a browser downloaded by a test tool. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const hasChromium = () => existsSync(CHROMIUM);

/** A real-browser test, or a skip that says loudly why (scripts/test.mjs repeats it at the end of `npm test`). */
export function browserTest(name: string, fn: (t: Test) => Promise<void>): void {
  if (hasChromium()) t.test(name, fn);
  else t.test(`REAL-BROWSER TEST SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium)`, { skip: true }, async () => {});
}

type ContextOptions = Pick<BrowserContextOptions, 'bypassCSP' | 'acceptDownloads' | 'viewport'>;

/** One headless chromium, closed when the test ends; the context it returns is one person's browser. */
export async function launchChromium(t: Test, options: ContextOptions = {}): Promise<BrowserContext> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.teardown(() => browser.close());
  return anotherBrowser(browser, options);
}

/**
 * Another person's browser in the same chromium: a context of its own (cookies, local storage),
 * as separate as a second chromium and far quicker to start.
 */
export function anotherBrowser(at: Browser | BrowserContext, options: ContextOptions = {}): Promise<BrowserContext> {
  const browser = 'newContext' in at ? at : at.browser()!;
  return browser.newContext({ viewport: { width: 1920, height: 1080 }, ...options });
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's serious and critical violations of WCAG 2.2 AA and best practice on the page as it is
 * now. The page's context must have been launched with bypassCSP (axe is injected as a script).
 */
export async function seriousAxeViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A person signs in on a Switchboard page through the NHS sign-in link and the provider's login page, and is sent back to `returnTo`. */
export async function signInAtProvider(page: Page, at: { issuer: string; sbUrl: string; returnTo: string }, user: { login: string; password: string }): Promise<void> {
  await page.waitForSelector('#signin-nhs:not([hidden])');
  await page.click('#signin-nhs');
  await page.waitForURL(`${at.issuer}/interaction/**`);
  await page.fill('input[name=login]', user.login);
  await page.fill('input[name=password]', user.password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${at.sbUrl}${at.returnTo}`);
}

/** Collects the page's script errors and console errors into `errors` (each after `label`, when given). */
export function collectPageErrors(page: Page, errors: string[], label = ''): void {
  page.on('pageerror', (e) => errors.push(`${label}${String(e)}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`${label}${m.text()}`));
}
