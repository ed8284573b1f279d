import type { StatsScope } from '../access.js';
import type { Directory } from '../directory/directory.js';

export class StatsQueryError extends Error {
  readonly statusCode = 400;
}

/** `practice:F81001`, `pcn:U12345` or `icb:QH8`, resolved to the directory's practices. */
export function parseScope(directory: Directory, raw: string): StatsScope {
  const m = /^(practice|pcn|icb):([A-Z0-9]{3,10})$/.exec(raw);
  if (!m) throw new StatsQueryError(`scope ${raw} is not practice:<ODS code>, pcn:<PCN code> or icb:<ICB code>`);
  const kind = m[1] as StatsScope['kind'];
  const code = m[2]!;
  const practices = directory.practices.filter((p) => (kind === 'practice' ? p.ods === code : kind === 'pcn' ? p.pcn === code : directory.data.icb.code === code));
  // Another ICB's code is a real scope this service holds nothing of: refused by access, not a typo.
  if (practices.length === 0 && kind !== 'icb') throw new StatsQueryError(`scope ${raw}: no ${kind === 'practice' ? 'practice' : kind.toUpperCase()} ${code} in the directory`);
  return { kind, code, practices };
}

/** The scope a token reads when it names none: its own practice, PCN or ICB. */
export function defaultScope(directory: Directory, grant: { role: string; practice?: string; staff?: string; pcn?: string; icb?: string }): string | undefined {
  if (grant.role === 'icb') return `icb:${grant.icb}`;
  if (grant.role === 'pcn') return `pcn:${grant.pcn}`;
  const ods = grant.role === 'practice' ? grant.practice : directory.staff(grant.staff ?? '')?.practice;
  return ods ? `practice:${ods}` : undefined;
}
