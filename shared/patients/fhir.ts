import type { FhirAuth, PatientLookupSettings } from '../directory/types.js';
import { LookupFailure, type PatientCandidate, type PatientLookup } from './lookup.js';

const NHS_NUMBER = 'https://fhir.nhs.uk/Id/nhs-number';
const REASONABLE_ADJUSTMENT = 'national-reasonable-adjustment-flag';
/** More candidates than this for one number is not a household: staff are told how many, not who. */
const MAX_CANDIDATES = 10;
/** A client-credentials token is renewed this long before it expires. */
const TOKEN_MARGIN_MS = 30_000;

interface FhirHumanName { use?: string; text?: string; given?: string[]; family?: string; prefix?: string[] }
interface FhirPatient { resourceType: 'Patient'; name?: FhirHumanName[]; birthDate?: string; identifier?: { system?: string; value?: string }[] }
interface FhirBundle { resourceType: 'Bundle'; total?: number; entry?: { resource?: { resourceType?: string; status?: string } & Record<string, unknown> }[] }

/**
 * The PatientLookup port over HL7 FHIR R4: `GET [base]/Patient?phone=<forms>` and, where the
 * practice names a flag service, `GET [flags]/Flag?patient=<NHS number>&code=national-reasonable-adjustment-flag`
 * for each candidate. Bearer token, or OAuth 2.0 client credentials (tokens kept in memory until
 * shortly before they expire). Nothing read is logged.
 */
export class FhirPatientLookup implements PatientLookup {
  private readonly tokens = new Map<string, { token: string; until: number }>();

  async find(settings: PatientLookupSettings, numbers: string[], signal: AbortSignal): Promise<PatientCandidate[]> {
    const authorization = `Bearer ${await this.token(settings.auth, signal)}`;
    const bundle = await this.search(settings.fhirBaseUrl, `Patient?phone=${encodeURIComponent(numbers.join(','))}&_count=${MAX_CANDIDATES}`, authorization, signal);
    const patients = (bundle.entry ?? []).map((e) => e.resource).filter((r): r is FhirPatient & Record<string, unknown> => r?.resourceType === 'Patient');
    return Promise.all(
      patients.slice(0, MAX_CANDIDATES).map(async (p) => {
        const nhsNumber = p.identifier?.find((i) => i.system === NHS_NUMBER)?.value;
        const flagged = settings.flagServiceUrl && nhsNumber ? await this.flagged(settings.flagServiceUrl, nhsNumber, authorization, signal) : false;
        return { name: displayName(p.name), birthDate: p.birthDate, nhsNumber, reasonableAdjustment: flagged };
      }),
    );
  }

  private async flagged(base: string, nhsNumber: string, authorization: string, signal: AbortSignal): Promise<boolean> {
    const bundle = await this.search(base, `Flag?patient=${encodeURIComponent(nhsNumber)}&code=${REASONABLE_ADJUSTMENT}`, authorization, signal);
    return (bundle.entry ?? []).some((e) => e.resource?.resourceType === 'Flag' && e.resource.status !== 'inactive' && e.resource.status !== 'entered-in-error');
  }

  private async search(base: string, query: string, authorization: string, signal: AbortSignal): Promise<FhirBundle> {
    const body = await this.request(`${base.replace(/\/+$/, '')}/${query}`, { headers: { accept: 'application/fhir+json', authorization }, signal });
    if (!isObject(body) || body.resourceType !== 'Bundle' || (body.entry !== undefined && !Array.isArray(body.entry))) throw new LookupFailure('bad-answer', 'the FHIR server did not answer with a Bundle');
    return body as unknown as FhirBundle;
  }

  private async token(auth: FhirAuth, signal: AbortSignal): Promise<string> {
    if ('bearerToken' in auth) return auth.bearerToken;
    const key = `${auth.tokenUrl}\n${auth.clientId}`;
    const held = this.tokens.get(key);
    if (held && held.until > Date.now()) return held.token;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: auth.clientId, client_secret: auth.clientSecret, ...(auth.scope ? { scope: auth.scope } : {}) });
    const body = await this.request(auth.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form, signal });
    if (!isObject(body) || typeof body.access_token !== 'string') throw new LookupFailure('bad-answer', 'the token endpoint did not give an access_token');
    const lifeMs = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 300_000;
    this.tokens.set(key, { token: body.access_token, until: Date.now() + lifeMs - TOKEN_MARGIN_MS });
    return body.access_token;
  }

  private async request(url: string, init: RequestInit & { signal: AbortSignal }): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(url, init);
    } catch (err) {
      throw init.signal.aborted ? new LookupFailure('timeout', 'the lookup ran out of time') : new LookupFailure('error', `cannot reach ${new URL(url).host}: ${(err as Error).message}`);
    }
    if (res.status === 401 || res.status === 403) throw new LookupFailure('unauthorised', `${new URL(url).host} refused our credentials (${res.status})`);
    if (!res.ok) throw new LookupFailure('error', `${new URL(url).host} answered ${res.status}`);
    try {
      return await res.json();
    } catch {
      throw init.signal.aborted ? new LookupFailure('timeout', 'the lookup ran out of time') : new LookupFailure('bad-answer', `${new URL(url).host} answered something that is not JSON`);
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "Jane Smith" from the official name (else the first): given names and family, or the text. */
function displayName(names: FhirHumanName[] | undefined): string {
  const name = names?.find((n) => n.use === 'official') ?? names?.[0];
  if (!name) return 'name not recorded';
  const parts = [...(name.given ?? []), name.family ?? ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : (name.text ?? 'name not recorded');
}
