import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis, Cluster } from 'ioredis';
import { publishesChanges } from '../changes.js';

/**
 * Each atomic queue operation is one Lua file here, named `<command>-<number of keys>.lua` as in
 * BullMQ. `-- @include "includes/x"` lines are replaced by that file's text (once per script). Each is
 * read and hashed once per process; a run sends EVALSHA and, where that Redis has not seen the script
 * yet (NOSCRIPT), EVAL, which also loads it.
 */
const dir = dirname(fileURLToPath(import.meta.url));

export interface ScriptSource {
  name: string;
  numberOfKeys: number;
  lua: string;
}

export function loadScripts(): ScriptSource[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.lua'))
    .map((file) => {
      const match = /^(.+)-(\d+)\.lua$/.exec(file);
      if (!match) throw new Error(`queue script ${file} must be named <command>-<keys>.lua`);
      return { name: match[1]!, numberOfKeys: Number(match[2]), lua: withChangeNotice(match[1]!, withIncludes(readFileSync(join(dir, file), 'utf8'))) };
    });
}

/** Includes may include others; each file's text goes in once, where it is first named. */
function withIncludes(source: string, included = new Set<string>()): string {
  return source.replace(/^-- @include "([^"]+)"$/gm, (_, name: string) => {
    if (included.has(name)) return '';
    included.add(name);
    return withIncludes(readFileSync(join(dir, `${name}.lua`), 'utf8'), included);
  });
}

/** A state-changing script runs as a function whose reply decides its change notice (includes/changes.lua). */
function withChangeNotice(name: string, lua: string): string {
  if (!publishesChanges(name)) return lua;
  return `local function script()\n${lua}\nend\n${withIncludes('-- @include "includes/changes"')}\nlocal reply = script()\npublishChange(reply)\nreturn reply\n`;
}

interface LoadedScript extends ScriptSource {
  sha: string;
}

let loaded: Map<string, LoadedScript> | undefined;

/** The scripts, read once. Not ioredis's defineCommand: it copies every defined script onto each auto-pipeline it makes, a measurable share of a webhook's CPU. */
function scripts(): Map<string, LoadedScript> {
  loaded ??= new Map(loadScripts().map((s) => [s.name, { ...s, sha: createHash('sha1').update(s.lua).digest('hex') }]));
  return loaded;
}

const isNoScript = (err: unknown) => err instanceof Error && err.message.startsWith('NOSCRIPT');

/** Runs the script `<name>-<keys>.lua` (EVALSHA, then EVAL where Redis does not have it yet). */
export function runScript(redis: Redis | Cluster, name: string, keys: string[], args: (string | number)[]): Promise<unknown> {
  const script = scripts().get(name);
  if (!script) throw new Error(`queue script ${name} does not exist (no ${name}-<keys>.lua)`);
  if (keys.length !== script.numberOfKeys) throw new Error(`queue script ${name} takes ${script.numberOfKeys} keys, given ${keys.length}`);
  return redis.evalsha(script.sha, keys.length, ...keys, ...args).catch((err: unknown) => {
    if (!isNoScript(err)) throw err;
    return redis.eval(script.lua, keys.length, ...keys, ...args);
  });
}
