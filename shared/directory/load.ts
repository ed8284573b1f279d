import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { directorySchema } from './schema.js';
import { Directory, tokenDigestOf } from './directory.js';
import { badRange } from '../callflow/hours.js';
import type { DirectoryData, Menu, Practice, Team, WeeklyHours } from './types.js';

/** A directory file that cannot be used: every problem, each with file, line and path. */
export class DirectoryError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: the directory is not valid:\n  ${problems.join('\n  ')}`);
    this.name = 'DirectoryError';
  }
}

/**
 * A file that is not YAML: only the first syntax error, at file:line:col, since the parser's later
 * errors mostly follow from it (one wrong indent can otherwise print a screenful).
 */
export class DirectorySyntaxError extends DirectoryError {
  constructor(file: string, readonly line: number, readonly col: number, reason: string) {
    super(file, [`line ${line}:${col}: YAML syntax error: ${reason}`]);
    this.message = `${file}:${line}:${col}: YAML syntax error: ${reason}`;
    this.name = 'DirectorySyntaxError';
  }
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, verbose: true });
const validate = ajv.compile(directorySchema);

const PLACEHOLDER = /\$\{([A-Z_][A-Z0-9_]*)\}/g;

/**
 * Reads and checks a directory file: the one loader for the service, its reloads and the
 * switchboard-stats command line. `${NAME}` placeholders are filled from the environment, so that
 * the file can live in a ConfigMap while provider auth tokens and bearer tokens come from a Secret.
 * Each value is put in as a quoted YAML string (write the placeholder unquoted); a placeholder
 * whose variable is unset or empty is an error naming the line, and nothing is loaded.
 */
export function loadDirectoryFile(file: string, env: NodeJS.ProcessEnv = process.env): Directory {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DirectoryError(file, [`cannot read the file: ${(err as Error).message}`]);
  }
  const problems: string[] = [];
  const filled = text.split('\n').map((line, i) =>
    line.replace(PLACEHOLDER, (_, name: string) => {
      const value = env[name];
      if (!value) problems.push(`line ${i + 1}: \${${name}} is not set in the environment`);
      return JSON.stringify(value ?? '');
    }),
  );
  if (problems.length > 0) throw new DirectoryError(file, problems);
  return parseDirectory(filled.join('\n'), file);
}

export function parseDirectory(text: string, file = '<directory>'): Directory {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const { line, col } = lines.linePos(syntax.pos[0]);
    throw new DirectorySyntaxError(file, line, col, syntax.message.split('\n')[0]!);
  }
  const data = doc.toJS() as unknown;
  const where = (path: (string | number)[]) => {
    const node = nodeAt(doc.contents as Node | null, path);
    const pos = node?.range ? lines.linePos(node.range[0]) : undefined;
    const dotted = path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
    return `${pos ? `line ${pos.line}: ` : ''}${dotted || '(top level)'}`;
  };
  if (!validate(data)) {
    throw new DirectoryError(file, schemaProblems(validate.errors ?? []).map(([path, msg]) => `${where(path)}: ${msg}`));
  }
  const directoryData = data as unknown as DirectoryData;
  const directory = new Directory(directoryData);
  const problems = [...crossReferenceProblems(directoryData), ...routingProblems(directory)].map(([path, msg]) => `${where(path)}: ${msg}`);
  if (problems.length > 0) throw new DirectoryError(file, problems);
  return directory;
}

type Problem = [(string | number)[], string];

function schemaProblems(errors: ErrorObject[]): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const e of errors) {
    // "if/then" wrappers repeat the real error beneath them.
    if (e.keyword === 'if') continue;
    // So do an access entry's "exactly one of token, tokenSha256 or identity" alternatives.
    if (e.schemaPath.includes('/oneOf/')) continue;
    const path = e.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/')));
    let msg: string;
    if (e.keyword === 'additionalProperties') {
      msg = `unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    } else if (e.keyword === 'required') {
      msg = `"${(e.params as { missingProperty: string }).missingProperty}" is required`;
    } else if (e.keyword === 'enum') {
      msg = `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}`;
    } else if ((e.keyword === 'maxProperties' || e.keyword === 'minProperties') && path.at(-2) === 'options') {
      msg = 'a menu option needs exactly one of team, say, menu or transfer';
    } else if (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
      msg = describeAlternatives(path);
    } else if ((e.keyword === 'minimum' || e.keyword === 'maximum') && (e.parentSchema as { description?: string } | undefined)?.description) {
      msg = `${JSON.stringify(e.data)} is out of range (${(e.parentSchema as { description: string }).description})`;
    } else if (e.keyword === 'pattern') {
      // A schema's own description wins: the same key can mean different things per provider.
      const described = (e.parentSchema as { description?: string } | undefined)?.description;
      msg = `${JSON.stringify(e.data)} is not valid here (${described ?? describePattern(path)})`;
    } else {
      msg = e.message ?? 'is not valid';
    }
    const key = `${e.instancePath}|${msg}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push([path, msg]);
    }
  }
  return out;
}

function describeAlternatives(path: (string | number)[]): string {
  const owner = [...path].reverse().find((p) => typeof p === 'string');
  if (owner === 'overflow') return 'needs afterSeconds or whenMoreThan (or both)';
  if (owner === 'priorityLines') return 'needs from (callers\' numbers) or to (numbers of the practice), or both';
  if (owner === 'access') return 'needs exactly one of token or tokenSha256 (a machine) or identity (a person)';
  if (owner === 'teams') return 'must be a team id, or { team: <id>, priority: <1-9> }';
  if (owner === 'auth') return 'needs bearerToken, or tokenUrl, clientId and clientSecret (and optionally scope)';
  return 'is not valid here';
}

function describePattern(path: (string | number)[]): string {
  const last = [...path].reverse().find((p) => typeof p === 'string');
  switch (last) {
    case 'numbers':
      return 'a phone number in E.164 form, such as +441375100001';
    case 'endpoint':
      return 'a phone number such as +447700900123, a sip: URI, or client:name';
    case 'accountSid':
      return 'a Twilio Account SID: AC followed by 32 hex digits';
    case 'id':
    case 'teams':
    case 'staff':
      return 'lower-case letters, digits and hyphens';
    case 'language':
      return 'a language tag such as en-GB';
    case 'holdMusicUrl':
    case 'fhirBaseUrl':
    case 'flagServiceUrl':
    case 'tokenUrl':
      return 'an http(s) URL';
    case 'mon': case 'tue': case 'wed': case 'thu': case 'fri': case 'sat': case 'sun': case 'bankHolidays':
      return 'a time range such as 08:00-18:30';
    case 'to':
      return 'a team id, or a team key such as F81002.reception';
    case 'add':
    case 'remove':
      return 'a date such as 2026-12-25';
    case 'start':
    case 'end':
      return 'a time of day as HH:MM, such as 08:00';
    default:
      return 'an upper-case code such as F81001';
  }
}

function crossReferenceProblems(d: DirectoryData): Problem[] {
  const problems: Problem[] = [];
  const pcns = new Set(d.pcns.map((p) => p.code));
  const practices = new Map(d.practices.map((p) => [p.ods, p]));
  duplicates(d.pcns.map((p) => p.code)).forEach((i) => problems.push([['pcns', i, 'code'], `PCN ${d.pcns[i]!.code} is listed twice`]));
  duplicates(d.practices.map((p) => p.ods)).forEach((i) => problems.push([['practices', i, 'ods'], `practice ${d.practices[i]!.ods} is listed twice`]));
  const numbers = d.practices.flatMap((p, i) => p.numbers.map((n, j) => ({ n, path: ['practices', i, 'numbers', j] })));
  duplicates(numbers.map((x) => x.n)).forEach((k) => problems.push([numbers[k]!.path, `number ${numbers[k]!.n} belongs to more than one practice`]));
  d.practices.forEach((p, i) => {
    if (p.pcn !== undefined && !pcns.has(p.pcn)) problems.push([['practices', i, 'pcn'], `PCN ${p.pcn} is not in pcns`]);
    duplicates(p.teams.map((t) => t.id)).forEach((j) => problems.push([['practices', i, 'teams', j, 'id'], `team ${p.teams[j]!.id} is listed twice`]));
    p.callbackWindows.forEach((w, j) => {
      if (w.start >= w.end) problems.push([['practices', i, 'callbackWindows', j], `a window must end after it starts (${w.start}–${w.end})`]);
    });
  });
  duplicates(d.staff.map((s) => s.id)).forEach((i) => problems.push([['staff', i, 'id'], `staff id ${d.staff[i]!.id} is listed twice`]));
  d.staff.forEach((s, i) => {
    const practice = practices.get(s.practice);
    if (!practice) {
      problems.push([['staff', i, 'practice'], `practice ${s.practice} is not in practices`]);
      return;
    }
    s.teams.forEach((t, j) => {
      const teamId = typeof t === 'string' ? t : t.team;
      const pcnTeams = d.pcns.find((pcn) => pcn.code === practice.pcn)?.teams ?? [];
      if (![...practice.teams, ...pcnTeams].some((team) => team.id === teamId)) {
        problems.push([['staff', i, 'teams', j], `team ${teamId} is not a team of practice ${s.practice} or of its PCN`]);
      }
    });
  });
  const staffIds = new Set(d.staff.map((s) => s.id));
  const digests = d.access.map((a) => tokenDigestOf(a) ?? `identity ${a.identity}`);
  duplicates(digests).forEach((i) => digests[i]!.startsWith('identity ') || problems.push([['access', i, d.access[i]!.token === undefined ? 'tokenSha256' : 'token'], 'this token is given twice']));
  const identities = [...d.staff.map((s, i) => ({ id: s.identity, path: ['staff', i, 'identity'] })), ...d.access.map((a, i) => ({ id: a.identity, path: ['access', i, 'identity'] }))].filter((x) => x.id !== undefined);
  duplicates(identities.map((x) => x.id!.toLowerCase())).forEach((k) => problems.push([identities[k]!.path, `identity ${identities[k]!.id} is given twice: a person signs in to one role`]));
  d.access.forEach((a, i) => {
    if (a.role === 'practice' && !practices.has(a.practice)) problems.push([['access', i, 'practice'], `practice ${a.practice} is not in practices`]);
    if (a.role === 'staff' && !staffIds.has(a.staff)) problems.push([['access', i, 'staff'], `staff ${a.staff} is not in staff`]);
    if (a.role === 'pcn' && !pcns.has(a.pcn)) problems.push([['access', i, 'pcn'], `PCN ${a.pcn} is not in pcns`]);
    if (a.identity !== undefined && (a.name !== undefined || a.readOnly !== undefined)) problems.push([['access', i], 'name and readOnly are for machines\' tokens, not for a person\'s identity']);
    if (a.identity !== undefined && a.role === 'staff') problems.push([['access', i, 'identity'], `give staff member ${a.staff} their identity in staff, not in access`]);
    if (a.role === 'icb' && a.icb !== d.icb.code) problems.push([['access', i, 'icb'], `ICB ${a.icb} is not this directory's ICB (${d.icb.code})`]);
  });
  return problems;
}

/** Team references in menus, overflow rules, priority lines and hours must all make sense. */
function routingProblems(directory: Directory): Problem[] {
  const problems: Problem[] = [];
  const { pcns, practices } = directory.data;
  const checkHours = (hours: WeeklyHours | undefined, path: (string | number)[]) => {
    for (const [day, ranges] of Object.entries(hours ?? {})) {
      ranges.forEach((r, k) => badRange(r) && problems.push([[...path, 'hours', day, k], `${r} closes before it opens`]));
      overlaps(ranges).forEach(([earlier, k]) => problems.push([[...path, 'hours', day, k], `${ranges[k]} overlaps ${earlier}: give each time of day once`]));
    }
  };
  const checkTeams = (teams: Team[], owner: Practice, path: (string | number)[]) =>
    teams.forEach((team, j) => {
      checkHours(team.hours, [...path, j]);
      team.overflow.forEach((rule, k) => {
        if (!directory.team(owner, rule.to)) problems.push([[...path, j, 'overflow', k, 'to'], `team ${rule.to} is not a team of this PCN`]);
      });
    });
  pcns.forEach((pcn, i) => {
    const member = practices.find((p) => p.pcn === pcn.code);
    if (pcn.teams.length > 0 && !member) problems.push([['pcns', i, 'teams'], `PCN ${pcn.code} has teams but no member practices`]);
    if (member) checkTeams(pcn.teams, member, ['pcns', i, 'teams']);
    duplicates(pcn.teams.map((t) => t.id)).forEach((j) => problems.push([['pcns', i, 'teams', j, 'id'], `team ${pcn.teams[j]!.id} is listed twice`]));
  });
  practices.forEach((p, i) => {
    const at = ['practices', i];
    checkHours(p.hours, at);
    checkTeams(p.teams, p, [...at, 'teams']);
    const pcnTeams = new Set(pcns.find((pcn) => pcn.code === p.pcn)?.teams.map((t) => t.id));
    p.teams.forEach((t, j) => pcnTeams.has(t.id) && problems.push([[...at, 'teams', j, 'id'], `team ${t.id} is also a team of PCN ${p.pcn}: give one of them another id`]));
    const checkMenu = (menu: Menu, path: (string | number)[]) => {
      if (menu.default && !directory.team(p, menu.default)) problems.push([[...path, 'default'], `team ${menu.default} is not a team of ${p.ods} or its PCN`]);
      for (const [key, action] of Object.entries(menu.options)) {
        if ('team' in action && !directory.team(p, action.team)) problems.push([[...path, 'options', key, 'team'], `team ${action.team} is not a team of ${p.ods} or its PCN`]);
        if ('menu' in action) checkMenu(action.menu, [...path, 'options', key, 'menu']);
      }
    };
    if (p.menu) checkMenu(p.menu, [...at, 'menu']);
    const adjustedTeam = p.patientLookup?.adjustments?.team;
    if (adjustedTeam && !directory.team(p, adjustedTeam)) problems.push([[...at, 'patientLookup', 'adjustments', 'team'], `team ${adjustedTeam} is not a team of ${p.ods} or its PCN`]);
    p.priorityLines.forEach((line, j) => {
      if (line.team && !directory.team(p, line.team)) problems.push([[...at, 'priorityLines', j, 'team'], `team ${line.team} is not a team of ${p.ods} or its PCN`]);
      (line.to ?? []).forEach((n, k) => !p.numbers.includes(n) && problems.push([[...at, 'priorityLines', j, 'to', k], `${n} is not one of this practice's numbers`]));
    });
  });
  return problems;
}

/** Ranges ("HH:MM-HH:MM") that start before an earlier-starting one ends: [that earlier range, index]. */
function overlaps(ranges: string[]): [string, number][] {
  const byStart = ranges.map((r, k) => ({ r, k })).sort((a, b) => (a.r < b.r ? -1 : 1));
  let latest: string | undefined; // of the ranges so far, the one that ends last
  return byStart.flatMap(({ r, k }) => {
    const clash = latest !== undefined && r.slice(0, 5) < latest.slice(6) ? [[latest, k] as [string, number]] : [];
    if (latest === undefined || r.slice(6) > latest.slice(6)) latest = r;
    return clash;
  });
}

/** Indexes of the second and later occurrences of each repeated value. */
function duplicates(values: string[]): number[] {
  const seen = new Set<string>();
  return values.flatMap((v, i) => (seen.has(v) ? [i] : (seen.add(v), [])));
}

function nodeAt(node: Node | null, path: (string | number)[]): Node | null {
  let cur: Node | null = node;
  for (const key of path) {
    if (isMap(cur)) cur = (cur.get(key, true) as Node | undefined) ?? cur;
    else if (isSeq(cur) && typeof key === 'number') cur = (cur.items[key] as Node | undefined) ?? cur;
    else break;
  }
  return cur;
}
