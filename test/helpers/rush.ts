import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeCall, FakeTwilio } from '../fakes/twilio.js';
import { EXAMPLE_YAML, PRACTICE_TOKEN } from '../fixtures/directories.js';

/** The example directory with a 1 s wrap-up, written to a file for service processes. */
export function exampleDirectoryFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'switchboard-dir-')), 'directory.yaml');
  writeFileSync(file, EXAMPLE_YAML.replace('wrapUpSeconds: 15', 'wrapUpSeconds: 1'));
  return file;
}

export const setPresence = (url: string, staff: string, state: string) =>
  fetch(`${url}/v1/staff/${staff}/presence`, { method: 'PUT', headers: { authorization: `Bearer ${PRACTICE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ state }) });

/**
 * Staff who take each call they are put through to, talk for `talkMs` and hang up. Returns the
 * callers who have been answered so far and a stop function.
 */
export function staffAnswering(twilio: FakeTwilio, callers: () => FakeCall[], talkMs = 100) {
  const answered = new Set<string>();
  const timer = setInterval(() => {
    for (const c of callers()) {
      if (!c.bridged || answered.has(c.sid)) continue;
      answered.add(c.sid);
      setTimeout(() => c.bridged && twilio.staffHangsUp(c), talkMs);
    }
  }, 20);
  return { answered, stop: () => clearInterval(timer) };
}
