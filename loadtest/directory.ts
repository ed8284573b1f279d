import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { Scenario } from './scenario.js';

/** One generated practice, with what the simulator needs to ring it and staff it. */
export interface SimPractice {
  ods: string;
  number: string;
  accountSid: string;
  authToken: string;
  token: string;
  staff: { id: string; endpoint: string }[];
}

/**
 * The directory a scenario runs against, generated (6,300 practices are not checked in): practices
 * in PCNs of `perPcn`, one reception team each, enough staff for the largest roster step, and a
 * practice token per practice for presence and call records.
 */
export function scenarioDirectory(scenario: Scenario, practiceCount = scenario.practices.count): { yaml: string; practices: SimPractice[] } {
  const p = scenario.practices;
  const maxStaff = Math.max(...p.roster.map((r) => r.staff));
  const practices: SimPractice[] = [];
  for (let i = 0; i < practiceCount; i++) {
    const ods = `L${String(i).padStart(5, '0')}`;
    practices.push({
      ods,
      number: `+44113${String(i).padStart(7, '0')}`,
      accountSid: `AC${createHash('md5').update(ods).digest('hex')}`,
      authToken: `load-${ods}-secret`,
      token: `load-${ods}-token`,
      staff: Array.from({ length: maxStaff }, (_, s) => ({ id: `${ods.toLowerCase()}-r${s + 1}`, endpoint: `client:${ods}-r${s + 1}` })),
    });
  }
  const pcnOf = (i: number) => `P${String(Math.floor(i / p.perPcn)).padStart(5, '0')}`;
  const data = {
    icb: { code: 'QLOAD', name: 'Load-test ICB' },
    pcns: [...new Set(practices.map((_, i) => pcnOf(i)))].map((code) => ({ code, name: `Load-test PCN ${code}` })),
    practices: practices.map((sp, i) => ({
      ods: sp.ods,
      name: `Practice ${sp.ods}`,
      pcn: pcnOf(i),
      numbers: [sp.number],
      provider: { kind: 'twilio', accountSid: sp.accountSid, authToken: sp.authToken },
      announceEverySeconds: p.announceEverySeconds,
      wrapUpSeconds: p.wrapUpSeconds,
      ringSeconds: p.ringSeconds,
      teams: [{ id: 'reception', name: 'Reception' }],
    })),
    staff: practices.flatMap((sp) => sp.staff.map((s, n) => ({ id: s.id, name: `Receptionist ${n + 1}`, practice: sp.ods, endpoint: s.endpoint, teams: ['reception'] }))),
    access: practices.map((sp) => ({ token: sp.token, role: 'practice', practice: sp.ods })),
  };
  return { yaml: stringify(data), practices };
}
