import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * `node dist/loadtest/profile-summary.js <file.cpuprofile | dir> [--webhooks N] [--top N]`: what a
 * V8 CPU profile of the service (`npm run loadtest -- ... --profile DIR`, `npm run bench -- --profile DIR`)
 * spent its time on — by part of the stack (self time by package or source folder), and the top
 * functions by self and by total time. With --webhooks, as CPU-ms per webhook.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time is charged to the first of these that the frame's URL (or name) matches. */
const PARTS: [string, RegExp][] = [
  ['idle', /^\(idle\)$/],
  ['garbage collection', /^\(garbage collector\)$/],
  ['logging (pino)', /node_modules\/(pino|thread-stream|sonic-boom|fast-redact|on-exit-leak-free)/],
  ['metrics (prom-client)', /node_modules\/(prom-client|tdigest|bintrees)/],
  ['Redis client (ioredis)', /node_modules\/(ioredis|redis-parser|redis-errors|cluster-key-slot|denque|standard-as-callback)/],
  ['outbound HTTP (undici)', /node_modules\/undici|node:internal\/deps\/undici/],
  ['Fastify and its plugins', /node_modules\/(fastify|@fastify|find-my-way|avvio|fast-json-stringify|fast-querystring|fast-uri|light-my-request|secure-json-parse|process-warning|toad-cache|ajv|fast-decode-uri-component|abstract-logging|rfdc|json-schema-resolver)/],
  ['WebSockets (ws)', /node_modules\/ws\//],
  ['crypto (signatures)', /node:crypto|node:internal\/crypto/],
  ['Node HTTP server and sockets', /node:(_http|http|net|stream|internal\/(http|streams|stream_base|net|js_stream|timers|async_hooks|process\/task_queues|event_target|url|querystring)|events|timers|url|querystring|buffer|string_decoder)/],
  ['provider edge (shared/providers)', /\/shared\/providers\//],
  ['call flow (shared/callflow)', /\/shared\/callflow\//],
  ['queue (shared/queue)', /\/shared\/queue\//],
  ['directory (shared/directory)', /\/shared\/directory\//],
  ['other shared/', /\/shared\//],
  ['service routes and plugins', /\/services\/switchboard\//],
  ['other packages', /node_modules\//],
  ['other Node internals', /^node:/],
  ['V8 and native (program, regexps, JSON, builtins)', /.*/],
];

function partOf(frame: ProfileNode['callFrame']): string {
  const key = frame.url || frame.functionName;
  return PARTS.find(([, re]) => re.test(key))![0];
}

const short = (f: ProfileNode['callFrame']) => `${f.functionName || '(anonymous)'} ${f.url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, '$1/')}${f.url ? `:${f.lineNumber + 1}` : ''}`;

export function summarise(profile: Profile): { totalMs: number; idleMs: number; parts: Map<string, number>; self: Map<string, number>; total: Map<string, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const parts = new Map<string, number>();
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id)!;
    const part = partOf(node.callFrame);
    if (part === 'idle') return void (idleMs += ms);
    totalMs += ms;
    parts.set(part, (parts.get(part) ?? 0) + ms);
    self.set(short(node.callFrame), (self.get(short(node.callFrame)) ?? 0) + ms);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const name = short(byId.get(n)!.callFrame);
      if (!seen.has(name)) total.set(name, (total.get(name) ?? 0) + ms);
      seen.add(name);
    }
  });
  return { totalMs, idleMs, parts, self, total };
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { webhooks: { type: 'string' }, top: { type: 'string', default: '25' } } });
  const target = positionals[0];
  if (!target) {
    console.error('usage: node dist/loadtest/profile-summary.js <file.cpuprofile | dir> [--webhooks N] [--top N]');
    process.exit(2);
  }
  const files = target.endsWith('.cpuprofile') ? [target] : readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(target, f));
  const webhooks = values.webhooks ? Number(values.webhooks) : undefined;
  const top = Number(values.top);
  for (const file of files) {
    const s = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile);
    const fmt = (ms: number) => (webhooks ? `${(ms / webhooks).toFixed(4)} ms/webhook` : `${ms.toFixed(0)} ms`) + ` ${((100 * ms) / s.totalMs).toFixed(1).padStart(5)}%`;
    const list = (title: string, m: Map<string, number>, n: number) => {
      console.log(`\n${title}`);
      for (const [k, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`  ${fmt(ms).padStart(26)}  ${k}`);
    };
    console.log(`${file}: ${s.totalMs.toFixed(0)} ms of CPU sampled (idle ${s.idleMs.toFixed(0)} ms left out)${webhooks ? `, ${webhooks} webhooks: ${(s.totalMs / webhooks).toFixed(3)} ms per webhook` : ''}`);
    list('by part (self time)', s.parts, PARTS.length);
    list(`top ${top} functions by self time`, s.self, top);
    list(`top ${top} functions by total time (self and callees)`, s.total, top);
  }
}

main();
