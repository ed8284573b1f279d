import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A short period, so a capped process is held back in small slices (latency stays readable) rather than for tens of milliseconds at a time. */
const PERIOD_US = 10_000;
/** The kernel refuses a quota below 1 ms. */
const MIN_QUOTA_US = 1_000;
const V2 = '/sys/fs/cgroup';
const V1 = '/sys/fs/cgroup/cpu';

/**
 * Caps a process (all its threads) at `cores` of CPU with a cgroup of its own (v2 `cpu.max`, or v1
 * `cpu.cfs_quota_us`), so one machine can show how throughput grows with processes of a fixed size.
 * Needs write access to the cgroup tree (root, or a delegated subtree); throws saying so otherwise.
 * Returns a function that puts the process back and removes the cgroup.
 */
export function capCpu(pid: number, cores: number): () => void {
  const v2 = existsSync(join(V2, 'cgroup.controllers'));
  const root = v2 ? V2 : V1;
  if (!existsSync(join(root, 'cgroup.procs'))) throw new Error(`no cgroup CPU controller at ${root}: cannot cap a process's CPU here`);
  if (v2 && !readFileSync(join(V2, 'cgroup.subtree_control'), 'utf8').split(' ').includes('cpu')) throw new Error(`the cpu controller is not enabled for child cgroups of ${V2} (cgroup.subtree_control): cannot cap a process's CPU here`);
  const quota = Math.round(cores * PERIOD_US);
  if (quota < MIN_QUOTA_US) throw new Error(`${cores} of a core is below the smallest cap (${MIN_QUOTA_US / PERIOD_US})`);
  const group = join(root, `switchboard-bench-${pid}`);
  try {
    mkdirSync(group);
    if (v2) writeFileSync(join(group, 'cpu.max'), `${quota} ${PERIOD_US}`);
    else {
      writeFileSync(join(group, 'cpu.cfs_period_us'), String(PERIOD_US));
      writeFileSync(join(group, 'cpu.cfs_quota_us'), String(quota));
    }
    writeFileSync(join(group, 'cgroup.procs'), String(pid));
  } catch (err) {
    if (existsSync(group)) rmdirSync(group);
    throw new Error(`cannot cap process ${pid} at ${cores} cores with a cgroup under ${root} (${(err as Error).message}); run as root or in a delegated cgroup`);
  }
  return () => {
    try {
      writeFileSync(join(root, 'cgroup.procs'), String(pid));
    } catch {
      // The process has exited: the cgroup is empty already.
    }
    rmdirSync(group);
  };
}
