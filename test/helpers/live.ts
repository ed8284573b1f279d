import type { Test } from 'tap';
import WebSocket from 'ws';
import type { Snapshot } from '../../shared/live/snapshot.js';

export interface LiveMessage {
  type: string;
  at?: number;
  snapshot?: Snapshot;
  sections?: Partial<Snapshot>;
  code?: number;
  message?: string;
  /** When this client received it (ms). */
  receivedAt: number;
}

/** A live-socket client as a screen uses it: ticket, auth message, subscribe; keeps every message and the merged state. */
export async function openLive(t: Test, baseUrl: string, opts: { token?: string; ticket?: string; scope?: Record<string, string> }) {
  let ticket = opts.ticket;
  if (!ticket && opts.token) {
    const res = await fetch(`${baseUrl}/v1/live/tickets`, { method: 'POST', headers: { authorization: `Bearer ${opts.token}` } });
    if (res.status !== 201) throw new Error(`ticket: ${res.status} ${await res.text()}`);
    ticket = ((await res.json()) as { ticket: string }).ticket;
  }
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/live`);
  const messages: LiveMessage[] = [];
  let state: Snapshot | undefined;
  let closed: { code: number; reason: string } | undefined;
  socket.on('message', (data) => {
    const m = { ...(JSON.parse(String(data)) as LiveMessage), receivedAt: Date.now() };
    messages.push(m);
    if (m.type === 'ready' && opts.scope) socket.send(JSON.stringify({ type: 'subscribe', scope: opts.scope }));
    if (m.type === 'snapshot') state = structuredClone(m.snapshot);
    if (m.type === 'update' && state) Object.assign(state, m.sections);
  });
  socket.on('close', (code, reason) => (closed = { code, reason: String(reason) }));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  if (ticket !== undefined) socket.send(JSON.stringify({ type: 'auth', ticket }));
  t.teardown(() => socket.terminate());

  const waitFor = async <T>(what: string, probe: () => T | undefined | false | null, timeoutMs = 30_000): Promise<T> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v) return v;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last messages: ${JSON.stringify(messages.slice(-3)).slice(0, 600)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return {
    socket,
    messages,
    state: () => state,
    closed: () => closed,
    waitFor,
    snapshot: () => waitFor('a snapshot', () => state),
  };
}
