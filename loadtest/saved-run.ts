import { readFileSync, writeFileSync } from 'node:fs';
import type { RunResult } from './simulate.js';

/**
 * A run's results kept as JSON (`--save-run FILE`), so its planner check can be made again with
 * another model (`node dist/loadtest/plan-check.js FILE`) without playing the morning again.
 * Maps are kept as their entries.
 */
export function saveRun(run: RunResult, file: string): string {
  writeFileSync(file, JSON.stringify({ ...run, liveCallUpdates: [...run.liveCallUpdates], redisCommands: [...run.redisCommands] }));
  return file;
}

export function loadRun(file: string): RunResult {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RunResult & { liveCallUpdates: [number, number][]; redisCommands: [string, number][] };
  return { ...raw, liveCallUpdates: new Map(raw.liveCallUpdates), redisCommands: new Map(raw.redisCommands) };
}
