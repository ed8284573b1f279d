import type { Test } from 'tap';
import { FakeTwilio, type FakeCall } from '../fakes/twilio.js';
import { TestFhirServer } from './fhir.js';
import { until } from './poll.js';
import { privateRedis } from './redis.js';
import { startSwitchboard } from './switchboard.js';
import { FHIR_TOKEN, PATIENTS, patientDirectory } from '../fixtures/patients.js';

export const RIVERSIDE = '+441375100001';
export const PRACTICE_TOKEN = 'riverside-practice-token';
export const offerHeard = (c: FakeCall) => c.heard.some((h) => /To be called back instead, keeping your place in the queue, press 1/.test(h));

/** A real FHIR server loaded with the test patients, a fake Twilio and Switchboard with Riverside's lookup (or `lookup`'s). */
export async function patientSetup(t: Test, lookup?: (fhirUrl: string) => string) {
  const fhir = await new TestFhirServer({ bearerToken: FHIR_TOKEN, client: { id: 'switchboard', secret: 'client-secret-1' } }).start();
  t.teardown(() => fhir.stop());
  await fhir.load(PATIENTS);
  const redis = await privateRedis(t);
  const fake = await new FakeTwilio().start();
  t.teardown(() => fake.stop());
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: patientDirectory(fhir.url, lookup?.(fhir.url)), twilio: fake });
  const callerOf = (staff: string, token: string) => sb.api('GET', `/v1/staff/${staff}/caller`, token);
  /** A caller put through to Alice (she answers at once): what her panel is told about them. */
  const putThrough = async (from: string) => {
    await sb.api('PUT', '/v1/staff/alice/presence', PRACTICE_TOKEN, { state: 'available' });
    const call = await fake.placeCall(from, RIVERSIDE);
    await fake.waitFor('the caller is with Alice', () => !!call.bridged);
    const res = await callerOf('alice', 'alice-token');
    const bridged = !!call.bridged;
    await fake.hangUp(call);
    await until('Alice free again', async () => (await sb.api('GET', '/v1/staff/alice', PRACTICE_TOKEN)).body.activity, (a) => a === 'idle');
    return { bridged, res };
  };
  const audit = async () => (await sb.api('GET', '/v1/practices/F81001/audit', PRACTICE_TOKEN)).body.entries as Record<string, unknown>[];
  return { fhir, redis, fake, sb, callerOf, putThrough, audit };
}

