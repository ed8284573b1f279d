import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import twilio from 'twilio';
import { SERVICE_NODE_FLAGS } from '../services/switchboard/node-flags.js';
import { projectRoot } from '../shared/paths.js';
import type { LoadRequest } from './generator.js';
import type { SimPractice } from './directory.js';

/** Starts a Node script of the project (with the service's V8 flags) and resolves once its wait-loop route answers on `port`. */
export async function startNode(script: string, args: string[], env: Record<string, string>, port: number, nodeFlags: string[] = []): Promise<ChildProcess> {
  // Every route runs with the service's V8 flags: the ceilings are measured like for like.
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...nodeFlags, join(projectRoot(), script), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${script} exited (${child.exitCode ?? child.signalCode})`);
    const up = await fetch(`http://127.0.0.1:${port}/v1/twilio/wait`, { method: 'POST' }).then(() => true, () => false);
    if (up) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${script} did not come up`);
}

/**
 * `count` callers ring the scenario's practices in turn through `serviceUrl` (nobody is signed in to
 * answer, so they wait), and each one's wait-loop webhook comes back, signed for `publicUrl` as
 * Twilio would sign it, ready to be sent again and again.
 */
export async function waitingCallers(serviceUrl: string, publicUrl: string, practices: SimPractice[], count: number): Promise<LoadRequest[]> {
  const requests: LoadRequest[] = [];
  for (let i = 0; i < count; i++) {
    const p = practices[i % practices.length]!;
    const params = { CallSid: `CA${String(i).padStart(32, '0')}`, AccountSid: p.accountSid, From: `+447700${String(i).padStart(6, '0')}`, To: p.number, CallStatus: 'in-progress', Direction: 'inbound', ApiVersion: '2010-04-01' };
    const sign = (path: string) => twilio.getExpectedTwilioSignature(p.authToken, publicUrl + path, params);
    const headers = (path: string) => ({ 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(path) });
    const voice = await fetch(`${serviceUrl}/v1/twilio/voice`, { method: 'POST', headers: headers('/v1/twilio/voice'), body: new URLSearchParams(params) });
    if (voice.status !== 200) throw new Error(`could not queue a caller: ${voice.status} ${await voice.text()}`);
    const path = `/v1/twilio/wait?practice=${p.ods}`;
    requests.push({ path, headers: headers(path), body: new URLSearchParams(params).toString() });
  }
  return requests;
}
