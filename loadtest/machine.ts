import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/** CPU and memory of one process over a run, sampled from /proc (Linux) or the process itself. */
export interface ProcessUsage {
  name: string;
  /** Per sample: CPU % of one core since the previous sample, and resident memory in MB. */
  samples: { at: number; cpu: number; rssMb: number }[];
}

const CLOCK_TICKS_PER_SECOND = 100;

export function procCpuAndRss(pid: number): { cpuMs: number; rssMb: number } | undefined {
  try {
    // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return { cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND, rssMb: rssKb / 1024 };
  } catch {
    return undefined;
  }
}

function ownCpuAndRss(): { cpuMs: number; rssMb: number } {
  const u = process.cpuUsage();
  return { cpuMs: (u.user + u.system) / 1000, rssMb: process.memoryUsage().rss / 1048576 };
}

const read = (pid: number | 'self') => (pid === 'self' ? ownCpuAndRss() : procCpuAndRss(pid));

/** CPU milliseconds a process (pid, or 'self' for this one) has used so far; NaN once it is gone. */
export const cpuMsOf = (pid: number | 'self') => read(pid)?.cpuMs ?? NaN;

/** Samples each named process (pid, or 'self' for this one) every `everyMs` until stopped. */
export function sampleProcesses(processes: { name: string; pid: number | 'self' }[], everyMs = 1000): { stop: () => ProcessUsage[] } {
  const usage = processes.map((p) => ({ ...p, last: read(p.pid), lastAt: Date.now(), samples: [] as ProcessUsage['samples'] }));
  const timer = setInterval(() => {
    const at = Date.now();
    for (const u of usage) {
      const now = read(u.pid);
      if (now && u.last) u.samples.push({ at, cpu: ((now.cpuMs - u.last.cpuMs) / (at - u.lastAt)) * 100, rssMb: now.rssMb });
      u.last = now;
      u.lastAt = at;
    }
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return usage.map(({ name, samples }) => ({ name, samples }));
    },
  };
}

/** Calls per Redis command so far (INFO commandstats), all nodes together; subtract two readings for a run's share. */
export async function redisCommandCounts(nodes: Redis[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const info of await Promise.all(nodes.map((n) => n.info('commandstats')))) {
    for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + Number(m[2]));
  }
  return counts;
}

export function countsSince(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [cmd, n] of after) if (n - (before.get(cmd) ?? 0) > 0) delta.set(cmd, n - (before.get(cmd) ?? 0));
  return delta;
}
