import { readdir, readFile } from 'node:fs/promises';

/** The environment variable that tags every process of one sandboxed run (its value is the run's id). */
export const RUN_MARKER = 'BATON_SANDBOX_RUN';

/** The process group of `pid` (field 5 of /proc/<pid>/stat), or undefined when it is gone. */
async function processGroup(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state, ppid, pgrp.
    return fields[0] === 'Z' ? undefined : Number(fields[2]);
  } catch {
    return undefined;
  }
}

async function carriesMarker(pid: number, tag: string): Promise<boolean> {
  try {
    return (await readFile(`/proc/${pid}/environ`, 'latin1')).split('\0').includes(tag);
  } catch {
    return false;
  }
}

/** Live processes (not zombies) whose initial environment carries the run's tag, with their process groups. */
async function tagged(runId: string): Promise<Map<number, number>> {
  const tag = `${RUN_MARKER}=${runId}`;
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return new Map(); // No /proc (not Linux): the group kill is all there is.
  }
  const found = new Map<number, number>();
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
      .map(async (name) => {
        const pid = Number(name);
        if (!(await carriesMarker(pid, tag))) return;
        const group = await processGroup(pid);
        if (group !== undefined) found.set(pid, group);
      }),
  );
  return found;
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Kills the run's process group, then every process still carrying the run's tag: those left the group (`setsid`,
 * a new process group) to outlive the run. Repeats until a sweep finds none, since a stray may fork while it is
 * being killed. Returns how many processes had left the group. A process that both left the group and replaced its
 * environment escapes this sweep; only a PID namespace catches that (see ISOLATION_SUMMARY).
 */
export async function sweepRun(runId: string, group: number): Promise<number> {
  const escaped = new Set<number>();
  for (let round = 0; round < 20; round++) {
    kill(-group);
    const found = await tagged(runId);
    if (found.size === 0) break;
    for (const [pid, pgid] of found) {
      if (pgid !== group) escaped.add(pid);
      kill(pid);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return escaped.size;
}
