import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseDirectory } from '../../../../shared/directory/load.js';
import { FakeTwilio } from '../../../fakes/twilio.js';
import { CHROMIUM, hasChromium, launchChromium } from '../../../helpers/browser.js';
import { privateRedis } from '../../../helpers/redis.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';
import { LIVE_FILE, RIVERSIDE, TOKENS } from '../../../fixtures/live.js';

if (!hasChromium()) {
  t.test(`REAL-BROWSER TEST SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium)`, { skip: true }, async () => {});
} else {
  t.test("the staff panel's button pauses and resumes the recording of the call, at the provider", async (t) => {
    const redis = await privateRedis(t);
    const twilio = await new FakeTwilio().start();
    t.teardown(() => twilio.stop());
    const yaml = readFileSync(LIVE_FILE, 'utf8').replace('  - ods: F81001\n', '  - ods: F81001\n    recording: { mode: answered }\n');
    const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: parseDirectory(yaml, 'live'), twilio });
    const browser = await launchChromium(t);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${sb.url}/staff`);
    await page.fill('#signin input[name=token]', TOKENS.alice);
    await page.click('#signin button');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'Live');
    t.ok(await page.locator('#recording-row').isHidden(), 'no recording button without a call');

    await page.click('.presence button[data-state=available]');
    const call = await twilio.placeCall('+447700900101', RIVERSIDE);
    await twilio.waitFor('bridged to Alice', () => call.bridged);
    const recording = await twilio.waitFor('recorded', () => [...twilio.recordings.values()][0]);
    await page.locator('#recording-toggle').waitFor({ state: 'visible' });
    await page.click('#recording-toggle');
    await page.waitForFunction(() => document.querySelector('#recording-toggle')?.textContent === 'Resume recording');
    t.equal(recording.status, 'paused', 'paused at the provider');
    t.equal(await page.locator('#recording-toggle').getAttribute('aria-pressed'), 'true');
    await page.click('#recording-toggle');
    await page.waitForFunction(() => document.querySelector('#recording-toggle')?.textContent === 'Pause recording');
    t.equal(recording.status, 'in-progress', 'resumed at the provider');
    t.equal(recording.pauses.length, 1);
    twilio.staffHangsUp(call);
    await page.locator('#recording-row').waitFor({ state: 'hidden' });
    t.pass('the button goes with the call');
    t.same(errors, [], 'no script errors');
  });
}
