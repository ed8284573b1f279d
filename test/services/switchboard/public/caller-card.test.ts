import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { chromium, type Page } from 'playwright-core';
import { FakeTwilio } from '../../../fakes/twilio.js';
import { TestFhirServer } from '../../../helpers/fhir.js';
import { privateRedis } from '../../../helpers/redis.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';
import { FHIR_TOKEN, FLAGGED_PHONE, IDENTIFYING, JANE_PHONE, PATIENTS, patientDirectory } from '../../../fixtures/patients.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const RIVERSIDE = '+441375100001';

if (!existsSync(CHROMIUM)) {
  t.test(`REAL-BROWSER TEST SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium)`, { skip: true }, async () => {});
} else {
  t.test('the staff panel shows who is probably calling while the phone rings; the wallboard never names anyone', async (t) => {
    const fhir = await new TestFhirServer({ bearerToken: FHIR_TOKEN }).start();
    t.teardown(() => fhir.stop());
    await fhir.load(PATIENTS);
    const redis = await privateRedis(t);
    const twilio = await new FakeTwilio().start();
    t.teardown(() => twilio.stop());
    const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: patientDirectory(fhir.url), twilio });
    const profile = mkdtempSync(join(tmpdir(), 'switchboard-chromium-'));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
    t.teardown(async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    });
    const pageErrors: string[] = [];
    const open = async (path: string, token: string) => {
      const page = await browser.newPage();
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      await page.goto(sb.url + path);
      await page.fill('#signin input[name=token]', token);
      await page.click('#signin button');
      await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'Live');
      return page;
    };
    const cardSays = (page: Page, pattern: string) => page.waitForFunction((p) => new RegExp(p).test(document.querySelector('#caller-card')?.textContent ?? ''), pattern, { timeout: 10_000 });

    const wallboard = await open('/wallboard', 'riverside-practice-token');
    const panel = await open('/staff', 'alice-token');
    // Alice's phone rings for a long time: the card must be there while it rings.
    twilio.endpoints.set('sip:alice@riverside.example', { answer: 'answer', afterMs: 60_000 });
    await panel.click('.presence button[data-state=available]');
    await panel.waitForFunction(() => document.querySelector('#my-status')?.textContent === 'Available');
    const call = await twilio.placeCall(JANE_PHONE, RIVERSIDE);
    await panel.waitForFunction(() => document.querySelector('#my-status')?.textContent === 'Ringing', undefined, { timeout: 10_000 });
    await cardSays(panel, 'Probably Jane Smithfield, 12 Mar 1950, NHS \\d{3} \\d{3} \\d{4}');
    t.pass('the candidate is on the panel while the phone rings');
    t.match(await panel.locator('#caller-card').innerText(), new RegExp(`NHS ${PATIENTS[0]!.nhsNumber.slice(0, 3)} ${PATIENTS[0]!.nhsNumber.slice(3, 6)} ${PATIENTS[0]!.nhsNumber.slice(6)}`));
    await wallboard.waitForFunction(() => /Ringing/.test(document.body.innerText), undefined, { timeout: 10_000 });
    const board = await wallboard.locator('body').innerText();
    t.same(IDENTIFYING.filter((s) => board.includes(s)), [], 'no name, NHS number or date of birth on the wallboard');
    await twilio.hangUp(call);
    await panel.waitForFunction(() => (document.querySelector('#caller-card') as HTMLElement | null)?.hidden === true, undefined, { timeout: 10_000 });
    t.pass('the card goes when the call does');

    // A flagged caller, put through to Cara in care coordination: the marker shows.
    const cara = await open('/staff', 'cara-token');
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
}
