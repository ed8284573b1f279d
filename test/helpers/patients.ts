import type { Test } from 'tap';
import { FakeTwilio, type FakeCall } from '../fakes/twilio.js';
import { TestFhirServer } from './fhir.js';
import { cookieHeader, signInOverHttp } from './browserless.js';
import { reserveIssuer, startOidcProvider, TEST_USERS, type TestUser } from './oidc.js';
import { until } from './poll.js';
import { privateRedis } from './redis.js';
import { startSwitchboard } from './switchboard.js';
import { FHIR_TOKEN, PATIENTS, patientDirectory } from '../fixtures/patients.js';

export const RIVERSIDE = '+441375100001';
export const PRACTICE_TOKEN = 'riverside-practice-token';
export const offerHeard = (c: FakeCall) => c.heard.some((h) => /To be called back instead, keeping your place in the queue, press 1/.test(h));

/** A real FHIR server loaded with the test patients, a fake Twilio and Switchboard with Riverside's lookup (or `lookup`'s); `menu`: see patientDirectory. */
export async function patientSetup(t: Test, lookup?: (fhirUrl: string) => string, menu = false) {
  const fhir = await new TestFhirServer({ bearerToken: FHIR_TOKEN, client: { id: 'switchboard', secret: 'client-secret-1' } }).start();
  t.teardown(() => fhir.stop());
  await fhir.load(PATIENTS);
  const redis = await privateRedis(t);
  const fake = await new FakeTwilio().start();
  t.teardown(() => fake.stop());
  const at = await reserveIssuer();
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: patientDirectory(fhir.url, at.issuer, lookup?.(fhir.url), menu), twilio: fake });
  await startOidcProvider(t, at, sb.url);
  const sessions = new Map<string, string>();
  /** The Cookie header of `user`'s browser, signed in (once) through the provider's login page. */
  const sessionOf = async (user: TestUser) => {
    if (!sessions.has(user.login)) sessions.set(user.login, cookieHeader((await signInOverHttp(sb.url, user.login, user.password)).jar, sb.url));
    return sessions.get(user.login)!;
  };
  /** What `staff`'s caller card is told, asked by a signed-in person or with a static token (`base`: another process). */
  const callerOf = async (staff: string, who: TestUser | string, base = sb.url) => {
    const headers: Record<string, string> = typeof who === 'string' ? { authorization: `Bearer ${who}` } : { cookie: await sessionOf(who) };
    const res = await fetch(`${base}/v1/staff/${staff}/caller`, { headers });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, unknown> };
  };
  /** A caller put through to Alice (she answers at once): what her panel is told about them. */
  const putThrough = async (from: string) => {
    await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
    const call = await fake.placeCall(from, RIVERSIDE);
    await fake.waitFor('the caller is with Alice', () => !!call.bridged);
    const res = await callerOf('alice', TEST_USERS.alice);
    const bridged = !!call.bridged;
    await fake.hangUp(call);
    await until('Alice free again', async () => (await sb.api('GET', '/v1/staff/alice', PRACTICE_TOKEN)).body.activity, (a) => a === 'idle');
    return { bridged, res };
  };
  const audit = async () => (await sb.api('GET', '/v1/practices/F81001/audit', PRACTICE_TOKEN)).body.entries as Record<string, unknown>[];
  return { fhir, redis, fake, sb, issuer: at.issuer, callerOf, putThrough, audit };
}

