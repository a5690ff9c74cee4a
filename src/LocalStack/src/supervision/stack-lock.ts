import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One live stack per state folder. `stack.pid` names the `up` process that owns the folder; a second
 * `npm start` on the same folder refuses while that process lives (two stacks would share one cluster's
 * data and ports). A pid whose process is gone, or is no stack any more (pids are reused), is the
 * trace of a stack that was killed: the new one takes over, and what the dead one left of its database
 * is cleared by database/stale-cluster.ts.
 */
export function claimStackFolder(stateDirectory: string, entry: string): () => void {
  const file = join(stateDirectory, 'stack.pid');
  const owner = readOwner(file);
  if (owner !== undefined && owner !== process.pid && isStack(owner, entry)) {
    throw new Error(`another local stack (PID ${owner}) is running from ${stateDirectory}. Stop it first (Ctrl-C in its terminal, or kill ${owner}), or start this one with LOCAL_STACK_DIR set to another folder`);
  }
  writeFileSync(file, `${process.pid}\n`, { mode: 0o600 });
  return () => { if (readOwner(file) === process.pid) rmSync(file, { force: true }); };
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Linux: alive, not a zombie, and running the same entry file as we do. */
function isStack(pid: number, entry: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(entry);
  } catch {
    return false;
  }
}
