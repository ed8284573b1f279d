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
  /** Reception staff, signed in by the roster. */
  staff: { id: string; endpoint: string }[];
  /** Staff of the other teams this practice hosts, signed in for the whole run. */
  teamStaff: { id: string; endpoint: string }[];
}

/**
 * The directory a scenario runs against, generated (6,300 practices are not checked in): practices
 * in PCNs of `perPcn`, a reception team each with enough staff for the largest roster step, the
 * scenario's other teams (per practice, or one per PCN staffed from its first practice), its menu,
 * and a practice token per practice for presence and call records.
 */
export function scenarioDirectory(scenario: Scenario, practiceCount = scenario.practices.count): { yaml: string; practices: SimPractice[] } {
  const p = scenario.practices;
  const maxStaff = Math.max(...p.roster.map((r) => r.staff));
  const practices: SimPractice[] = [];
  const teamsOf = new Map<string, { team: string; staff: { id: string; endpoint: string }[] }[]>();
  const extra = p.extraTeams ?? [];
  const staffOf = (prefix: string, n: number) => Array.from({ length: n }, (_, s) => ({ id: `${prefix.toLowerCase()}-${s + 1}`, endpoint: `client:${prefix}-${s + 1}` }));
  for (let i = 0; i < practiceCount; i++) {
    const ods = `L${String(i).padStart(5, '0')}`;
    const firstOfPcn = i % p.perPcn === 0;
    const teamStaff = extra.filter((t) => !t.pcnWide || firstOfPcn).map((t) => ({ team: t.id, staff: staffOf(`${ods}-${t.id}`, t.staff) }));
    practices.push({
      ods,
      number: `+44113${String(i).padStart(7, '0')}`,
      accountSid: `AC${createHash('md5').update(ods).digest('hex')}`,
      authToken: `load-${ods}-secret`,
      token: `load-${ods}-token`,
      staff: Array.from({ length: maxStaff }, (_, s) => ({ id: `${ods.toLowerCase()}-r${s + 1}`, endpoint: `client:${ods}-r${s + 1}` })),
      teamStaff: teamStaff.flatMap((t) => t.staff),
    });
    teamsOf.set(ods, teamStaff);
  }
  const pcnOf = (i: number) => `P${String(Math.floor(i / p.perPcn)).padStart(5, '0')}`;
  const data = {
    icb: { code: 'QLOAD', name: 'Load-test ICB' },
    pcns: [...new Set(practices.map((_, i) => pcnOf(i)))].map((code) => ({
      code,
      name: `Load-test PCN ${code}`,
      ...(extra.some((t) => t.pcnWide) ? { teams: extra.filter((t) => t.pcnWide).map((t) => ({ id: t.id, name: t.name })) } : {}),
    })),
    practices: practices.map((sp, i) => ({
      ods: sp.ods,
      name: `Practice ${sp.ods}`,
      pcn: pcnOf(i),
      numbers: [sp.number],
      provider: { kind: 'twilio', accountSid: sp.accountSid, authToken: sp.authToken },
      announceEverySeconds: p.announceEverySeconds,
      wrapUpSeconds: p.wrapUpSeconds,
      ringSeconds: p.ringSeconds,
      ...(p.menu ? { menu: { prompt: p.menu.prompt, default: 'reception', options: Object.fromEntries(Object.entries(p.menu.options).map(([d, team]) => [d, { team }])) } } : {}),
      teams: [{ id: 'reception', name: 'Reception' }, ...extra.filter((t) => !t.pcnWide).map((t) => ({ id: t.id, name: t.name }))],
    })),
    staff: practices.flatMap((sp) => [
      ...sp.staff.map((s, n) => ({ id: s.id, name: `Receptionist ${n + 1}`, practice: sp.ods, endpoint: s.endpoint, teams: ['reception'] })),
      ...teamsOf.get(sp.ods)!.flatMap((t) => t.staff.map((s, n) => ({ id: s.id, name: `${t.team} ${n + 1}`, practice: sp.ods, endpoint: s.endpoint, teams: [t.team] }))),
    ]),
    access: practices.map((sp) => ({ token: sp.token, role: 'practice', practice: sp.ods })),
  };
  return { yaml: stringify(data), practices };
}
