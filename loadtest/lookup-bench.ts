import { SERVICE_NODE_FLAGS } from '../services/switchboard/node-flags.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import twilio from 'twilio';
import { freePort, startPrivateRedis } from '../scripts/redis.mjs';
import { projectRoot } from '../shared/paths.js';
import { generateLoad, type LoadRequest } from './generator.js';
import { quantile } from './random.js';

/**
 * `npm run bench:lookup`: does the clinical-system lookup cost the caller anything? The same
 * service and callers three times: lookup off; on, against a clinical system that takes
 * `--fhir-ms` (default 250) to answer; and on with a reasonable adjustment that must be decided as
 * callers join the queue (the one case where the first answer may wait, up to the budget). For
 * each: the first webhook's latency (/voice) and the wait loop's sustained rate and p99 (/wait).
 * The modes take turns, `--runs` rounds, and the medians are printed: on a busy machine one run of
 * each says more about the machine than about the lookup.
 */
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, seconds: { type: 'string', default: '5' }, callers: { type: 'string', default: '100' }, 'fhir-ms': { type: 'string', default: '250' } } });
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const CALLERS = Number(values.callers);
const fhirMs = Number(values['fhir-ms']);
const PRACTICES = 10;

// The clinical system's answer time is what matters here, so it is an empty searchset after fhirMs.
const fhir = createServer((_req, res) => setTimeout(() => res.writeHead(200, { 'content-type': 'application/fhir+json' }).end('{"resourceType":"Bundle","type":"searchset","total":0}'), fhirMs));
await new Promise<void>((resolve) => fhir.listen(0, '127.0.0.1', resolve));
const fhirUrl = `http://127.0.0.1:${(fhir.address() as AddressInfo).port}`;

const practice = (i: number, lookup: string) => `  - ods: B${String(80000 + i)}
    name: Practice ${i}
    numbers: ["+44137520${String(i).padStart(4, '0')}"]
    provider: { kind: twilio, accountSid: AC${String(i).padStart(32, '0')}, authToken: bench-secret-${i} }
    teams: [{ id: reception, name: Reception }, { id: care, name: Care coordination }]${lookup}`;
const directory = (lookup: string) => `icb: { code: QH8, name: Bench ICB }\npractices:\n${Array.from({ length: PRACTICES }, (_, i) => practice(i, lookup)).join('\n')}\n`;
const MODES = {
  off: '',
  on: `\n    patientLookup: { fhirBaseUrl: "${fhirUrl}", auth: { bearerToken: bench-token } }`,
  'on, adjusting': `\n    patientLookup: { fhirBaseUrl: "${fhirUrl}", auth: { bearerToken: bench-token }, adjustments: { team: care, callbackAtOnce: true } }`,
};

interface Figures { voiceP50: number; voiceP99: number; waitRate: number; waitP50: number; waitP99: number }

async function run(mode: string, lookup: string): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-lookup-bench-'));
  writeFileSync(join(dir, 'directory.yaml'), directory(lookup));
  const redis = await startPrivateRedis({ dir });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [...SERVICE_NODE_FLAGS, join(projectRoot(), 'dist/services/switchboard/main.js')], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, REDIS_URL: redis.url, DIRECTORY_FILE: join(dir, 'directory.yaml'), LOG_LEVEL: 'warn', TWILIO_API_BASE: 'http://127.0.0.1:9' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (let up = false; !up; ) {
      if (child.exitCode !== null) throw new Error(`the service exited ${child.exitCode}`);
      up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
      if (!up) await new Promise((r) => setTimeout(r, 50));
    }
    const voiceMs: number[] = [];
    const requests: LoadRequest[] = [];
    for (let i = 0; i < CALLERS; i++) {
      const p = i % PRACTICES;
      const params = { CallSid: `CA${String(i).padStart(32, '0')}`, AccountSid: `AC${String(p).padStart(32, '0')}`, From: `+447700${String(i).padStart(6, '0')}`, To: `+44137520${String(p).padStart(4, '0')}`, CallStatus: 'in-progress', Direction: 'inbound', ApiVersion: '2010-04-01' };
      const headers = (path: string) => ({ 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(`bench-secret-${p}`, url + path, params) });
      const started = performance.now();
      const voice = await fetch(`${url}/v1/twilio/voice`, { method: 'POST', headers: headers('/v1/twilio/voice'), body: new URLSearchParams(params) });
      await voice.text();
      voiceMs.push(performance.now() - started);
      if (voice.status !== 200) throw new Error(`could not queue a caller: ${voice.status}`);
      const path = `/v1/twilio/wait?practice=B${80000 + p}`;
      requests.push({ path, headers: headers(path), body: new URLSearchParams(params).toString() });
    }
    await generateLoad(url, requests, { seconds: 1, connections: 20 }); // warm-up
    const wait = await generateLoad(url, requests, { seconds, connections: 20 });
    if (wait.failures) throw new Error(`${mode}: ${wait.failures} wait-loop requests failed`);
    return { voiceP50: quantile(voiceMs, 0.5), voiceP99: quantile(voiceMs, 0.99), waitRate: wait.requestsPerSecond, waitP50: wait.p50, waitP99: wait.p99 };
  } finally {
    child.kill('SIGTERM');
    redis.child.kill('SIGKILL');
  }
}

console.log(`npm run bench:lookup: ${runs} rounds; ${CALLERS} callers over ${PRACTICES} practices, clinical system answering in ${fhirMs} ms (budget 300 ms), wait loop ${seconds} s at 20 connections, Node ${process.versions.node}`);
const results = new Map<string, Figures[]>(Object.keys(MODES).map((m) => [m, []]));
try {
  for (let round = 1; round <= runs; round++) {
    for (const [mode, lookup] of Object.entries(MODES)) results.get(mode)!.push(await run(mode, lookup));
    console.log(`round ${round} done`);
  }
} finally {
  fhir.close();
}
const ms = (v: number) => `${v.toFixed(1)} ms`;
console.log(`\nmedians of ${runs}:\n| lookup | first answer p50 | first answer p99 | wait loop | wait p50 | wait p99 |\n| --- | --- | --- | --- | --- | --- |`);
for (const [mode, rows] of results) {
  const m = (pick: (f: Figures) => number) => quantile(rows.map(pick), 0.5);
  console.log(`| ${mode} | ${ms(m((f) => f.voiceP50))} | ${ms(m((f) => f.voiceP99))} | ${Math.round(m((f) => f.waitRate))} req/s | ${ms(m((f) => f.waitP50))} | ${ms(m((f) => f.waitP99))} |`);
}
