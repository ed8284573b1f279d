import t from 'tap';
import { browserTest, launchChromium } from '../../../helpers/browser.js';
import { privateRedis } from '../../../helpers/redis.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';
import { reserveIssuer, startOidcProvider, TEST_USERS } from '../../../helpers/oidc.js';
import { signInDirectory } from '../../../fixtures/signin.js';

browserTest('a member of staff signs in through the provider\'s login page, reaches the staff panel, and signs out', async (t) => {
  const redis = await privateRedis(t);
  const at = await reserveIssuer();
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: signInDirectory(at.issuer) });
  await startOidcProvider(t, at, sb.url);
  const browser = await launchChromium(t);
  const pageErrors: string[] = [];
  const page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));

  await page.goto(`${sb.url}/staff`);
  await page.waitForSelector('#signin-nhs:not([hidden])');
  await page.click('#signin-nhs');
  await page.waitForURL(`${at.issuer}/interaction/**`);
  t.equal(await page.title(), 'Test identity provider: sign in', 'the provider\'s own login page');
  await page.fill('input[name=login]', TEST_USERS.alice.login);
  await page.fill('input[name=password]', TEST_USERS.alice.password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${sb.url}/staff`);
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'Live');
  t.equal(await page.locator('#who').innerText(), 'Alice Ward', 'her own staff panel, live');
  t.equal(await page.locator('#signin').isHidden(), true, 'no token asked for');
  const cookies = await browser.cookies(sb.url);
  t.match(cookies.find((c) => c.name === 'switchboard_session'), { httpOnly: true, sameSite: 'Lax' }, 'the session cookie is out of the page\'s reach');

  await page.click('.presence button[data-state=available]');
  await page.waitForFunction(() => document.querySelector('#my-status')?.textContent === 'Available');
  t.pass('she sets herself available with her session');

  await page.click('#signout');
  await page.waitForURL(`${at.issuer}/**`);
  await page.click('button[autofocus], button[name=logout][value=yes]');
  await page.waitForURL(`${sb.url}/auth/signed-out`);
  t.match(await page.locator('h1').innerText(), 'You have signed out');
  t.notOk((await browser.cookies(sb.url)).some((c) => c.name === 'switchboard_session'), 'the cookie is gone');
  t.same(pageErrors, [], 'no script errors');
});
