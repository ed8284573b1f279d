import t from 'tap';
import type { BrowserContext, Page } from 'playwright-core';
import { FakeTwilio } from '../../../fakes/twilio.js';
import { anotherBrowser, browserTest, launchChromium, signInAtProvider } from '../../../helpers/browser.js';
import { TestFhirServer } from '../../../helpers/fhir.js';
import { reserveIssuer, startOidcProvider, TEST_USERS, type TestUser } from '../../../helpers/oidc.js';
import { privateRedis } from '../../../helpers/redis.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';
import { FHIR_TOKEN, FLAGGED_PHONE, IDENTIFYING, JANE_PHONE, PATIENTS, patientDirectory } from '../../../fixtures/patients.js';

const RIVERSIDE = '+441375100001';

browserTest('the staff panel shows who is probably calling while the phone rings; the wallboard never names anyone', async (t) => {
  const fhir = await new TestFhirServer({ bearerToken: FHIR_TOKEN }).start();
  t.teardown(() => fhir.stop());
  await fhir.load(PATIENTS);
  const redis = await privateRedis(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  const at = await reserveIssuer();
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: patientDirectory(fhir.url, at.issuer), twilio });
  await startOidcProvider(t, at, sb.url);
  const pageErrors: string[] = [];
  const newPage = async (browser: BrowserContext, path: string) => {
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(sb.url + path);
    return page;
  };
  const live = (page: Page) => page.waitForFunction(() => document.querySelector('#status')?.textContent === 'Live');
  /** A screen opened with a static token. */
  const open = async (browser: BrowserContext, path: string, token: string) => {
    const page = await newPage(browser, path);
    await page.fill('#signin input[name=token]', token);
    await page.click('#signin button');
    await live(page);
    return page;
  };
  const screens = await launchChromium(t);
  /** The staff panel of a person signed in with their own identity at the provider's login page (a browser of their own). */
  const signedIn = async (user: TestUser) => {
    const page = await newPage(await anotherBrowser(screens), '/staff');
    await signInAtProvider(page, { issuer: at.issuer, sbUrl: sb.url, returnTo: '/staff' }, user);
    await live(page);
    return page;
  };
  const cardSays = (page: Page, pattern: string) => page.waitForFunction((p) => new RegExp(p).test(document.querySelector('#caller-card')?.textContent ?? ''), pattern, { timeout: 10_000 });

  const wallboard = await open(screens, '/wallboard', 'riverside-practice-token');
  const panel = await signedIn(TEST_USERS.alice);
  // Alice's panel also open with her static staff token (a shared screen): it is never given the candidates.
  const tokenPanel = await open(screens, '/staff', 'alice-token');
  // Alice's phone rings for a long time: the card must be there while it rings.
  twilio.endpoints.set('sip:alice@riverside.example', { answer: 'answer', afterMs: 60_000 });
  await panel.click('.presence button[data-state=available]');
  await panel.waitForFunction(() => document.querySelector('#my-status')?.textContent === 'Available');
  const call = await twilio.placeCall(JANE_PHONE, RIVERSIDE);
  await panel.waitForFunction(() => document.querySelector('#my-status')?.textContent === 'Ringing', undefined, { timeout: 10_000 });
  await cardSays(panel, 'Probably Jane Smithfield, 12 Mar 1950, NHS \\d{3} \\d{3} \\d{4}');
  t.pass('the candidate is on the panel while the phone rings');
  t.match(await panel.locator('#caller-card').innerText(), new RegExp(`NHS ${PATIENTS[0]!.nhsNumber.slice(0, 3)} ${PATIENTS[0]!.nhsNumber.slice(3, 6)} ${PATIENTS[0]!.nhsNumber.slice(6)}`));
  await cardSays(tokenPanel, 'patient details are shown only to a person signed in with their own NHS identity who is handling the call');
  const tokenCard = await tokenPanel.locator('body').innerText();
  t.same(IDENTIFYING.filter((s) => tokenCard.includes(s)), [], 'the static token\'s panel says why and names nobody');
  await wallboard.waitForFunction(() => /Ringing/.test(document.body.innerText), undefined, { timeout: 10_000 });
  const board = await wallboard.locator('body').innerText();
  t.same(IDENTIFYING.filter((s) => board.includes(s)), [], 'no name, NHS number or date of birth on the wallboard');
  await twilio.hangUp(call);
  await panel.waitForFunction(() => (document.querySelector('#caller-card') as HTMLElement | null)?.hidden === true, undefined, { timeout: 10_000 });
  t.pass('the card goes when the call does');

  // A flagged caller, put through to Cara in care coordination: the marker shows.
  const cara = await signedIn(TEST_USERS.cara);
  twilio.endpoints.set('sip:cara@riverside.example', { answer: 'answer', afterMs: 60_000 });
  const flagged = await twilio.placeCall(FLAGGED_PHONE, RIVERSIDE);
  await cara.click('.presence button[data-state=available]');
  await cardSays(cara, 'Probably Sam Pateley.*Reasonable adjustments');
  t.pass('the reasonable-adjustments marker shows');
  const boardNow = await wallboard.locator('body').innerText();
  t.same(IDENTIFYING.filter((s) => boardNow.includes(s)), [], 'still nobody named on the wallboard');
  await twilio.hangUp(flagged);
  t.same(pageErrors, []);
});
