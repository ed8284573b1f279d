import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis, Cluster } from 'ioredis';
import { publishesChanges } from '../changes.js';

/**
 * Each atomic queue operation is one Lua file here, named `<command>-<number of keys>.lua` as in
 * BullMQ. `-- @include "includes/x"` lines are replaced by that file's text (once per script). Scripts are
 * registered once per connection; ioredis then sends EVALSHA and falls back to EVAL.
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

export function defineScripts(redis: Redis | Cluster): void {
  for (const s of loadScripts()) {
    if (!(s.name in redis)) redis.defineCommand(s.name, { numberOfKeys: s.numberOfKeys, lua: s.lua });
  }
}

/** Runs a script defined by defineScripts by name: `<command>-<keys>.lua` is `redis[command]`. */
export function runScript(redis: Redis | Cluster, name: string, keys: string[], args: (string | number)[]): Promise<unknown> {
  const script = (redis as unknown as Record<string, ((...a: (string | number)[]) => Promise<unknown>) | undefined>)[name];
  if (!script) throw new Error(`queue script ${name} is not loaded (defineScripts first)`);
  return script.call(redis, ...keys, ...args);
}
