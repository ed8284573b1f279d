import t from 'tap';
import { parseDirectory } from '../../../../shared/directory/load.js';
import { FakeTwilio } from '../../../fakes/twilio.js';
import { RIVERSIDE, TOKENS } from '../../../fixtures/live.js';
import { signInDirectoryYaml } from '../../../fixtures/signin.js';
import { anotherBrowser, browserTest, launchChromium, seriousAxeViolations, signInAtProvider } from '../../../helpers/browser.js';
import { reserveIssuer, startOidcProvider, TEST_USERS } from '../../../helpers/oidc.js';
import { until } from '../../../helpers/poll.js';
import { privateRedis } from '../../../helpers/redis.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';

const MANAGER = TEST_USERS.manager;

browserTest('playing a recording from the call search: a signed-in manager plays it, holds and releases it; a practice token is told to sign in', async (t) => {
  const redis = await privateRedis(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  const at = await reserveIssuer();
  const yaml = signInDirectoryYaml(at.issuer).replace('  - ods: F81001\n', '  - ods: F81001\n    recording: { mode: answered }\n');
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: parseDirectory(yaml, 'calls-recording'), twilio });
  await startOidcProvider(t, at, sb.url);

  // A caller who hangs up in the queue (not recorded), then one Alice answers (recorded).
  const unanswered = await twilio.placeCall('+447700900201', RIVERSIDE);
  await twilio.hangUp(unanswered);
  await sb.api('PUT', '/v1/staff/alice/presence', TOKENS.riverside, { state: 'available' });
  const call = await twilio.placeCall('+447700900202', RIVERSIDE);
  await twilio.waitFor('bridged to Alice', () => call.bridged);
  twilio.staffHangsUp(call);
  await twilio.waitFor('the call over', () => call.over);
  const callId = `twilio:${call.sid}`;
  const recordingPath = `/v1/practices/F81001/calls/${encodeURIComponent(callId)}/recording`;
  await until('the recording completed', () => sb.api('GET', recordingPath, TOKENS.riverside), (r) => r.body.status === 'completed');
  await until('both call records', () => sb.api('GET', '/v1/practices/F81001/calls/search', TOKENS.riverside), (r) => (r.body.total as number) === 2);

  const browser = await launchChromium(t, { bypassCSP: true });
  const errors: string[] = [];
  const page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${sb.url}/calls`);
  await signInAtProvider(page, { issuer: at.issuer, sbUrl: sb.url, returnTo: '/calls' }, MANAGER);
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'Up to date');

  const recorded = page.locator(`#results tbody tr[data-call-id="${callId}"] td.recording`);
  const player = recorded.locator('audio');
  t.equal(await player.count(), 1, 'the recorded call has a player');
  t.equal(await player.getAttribute('src'), `${recordingPath}/audio`, 'playing the audio route');
  t.equal(await player.getAttribute('preload'), 'none', 'nothing fetched (or audited as played) until the manager plays it');
  t.match(await player.getAttribute('aria-label'), /^Play the recording of the call at \d\d:\d\d$/, 'named for the call');
  t.equal(await page.locator(`#results tbody tr[data-call-id="twilio:${unanswered.sid}"] td:last-child`).innerText(), '', 'the unrecorded call: nothing');

  // The page's own session (its cookie) plays it: the fake provider's audio, streamed.
  const src = (await player.getAttribute('src'))!;
  const played = await page.evaluate(async (src) => {
    const res = await fetch(src);
    return { status: res.status, type: res.headers.get('content-type'), bytes: (await res.arrayBuffer()).byteLength };
  }, src);
  t.equal(played.status, 200, 'the signed-in manager plays it');
  t.match(played.type, /^audio\//);
  t.ok(played.bytes > 0, 'with audio');
  t.equal((await fetch(sb.url + src, { headers: { authorization: `Bearer ${TOKENS.riverside}` } })).status, 403, 'the same address with a practice token: 403');

  // Held from the row (a complaint), and released.
  await recorded.getByRole('button', { name: 'Hold', exact: true }).click();
  await recorded.locator('.held').waitFor();
  t.equal((await sb.api('GET', recordingPath, TOKENS.riverside)).body.held, true, 'held');
  await recorded.getByRole('button', { name: 'Release hold' }).click();
  // Exactly "Hold": by default a name matches within "Release hold", there until the server answers.
  await recorded.getByRole('button', { name: 'Hold', exact: true }).waitFor();
  t.equal((await sb.api('GET', recordingPath, TOKENS.riverside)).body.held, false, 'released');

  const grave = await seriousAxeViolations(page);
  t.same(grave, [], 'axe: no serious or critical violation with the player in the rows', { violations: grave });

  // A practice token may not play recordings: the row says so, with no player.
  const other = await (await anotherBrowser(browser, { bypassCSP: true })).newPage();
  other.on('pageerror', (e) => errors.push(String(e)));
  await other.goto(`${sb.url}/calls`);
  await other.waitForSelector('#signin-nhs:not([hidden])');
  await other.fill('#signin input[name=token]', TOKENS.riverside);
  await other.click('#signin button');
  await other.waitForFunction(() => document.querySelector('#status')?.textContent === 'Up to date');
  const tokenCell = other.locator(`#results tbody tr[data-call-id="${callId}"] td.recording`);
  t.equal(await tokenCell.innerText(), 'Recorded — sign in with your NHS identity to play');
  t.equal(await tokenCell.locator('audio, button').count(), 0, 'no player, no hold');
  t.same(errors, [], 'no script errors');
});
