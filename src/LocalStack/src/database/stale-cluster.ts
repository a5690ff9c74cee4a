import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * After the whole stack is killed at once (kill -9 of its process group, a closed terminal, the OOM
 * killer), what is left of the old cluster can hold its data folder for seconds: backends and auxiliary
 * processes still attached to its shared memory, or a postmaster not yet reaped. PostgreSQL then refuses
 * to start ("lock file postmaster.pid already exists"; issue 18 saw it in 3 of 4 immediate restarts).
 * The stack's own lock (supervision/stack-lock.ts) has already shown that no live stack owns the folder,
 * so whatever still holds this cluster is the orphaned remains of a dead one: stop them, bounded, and
 * clear a lock file that only a dead or zombie postmaster names.
 */
export async function clearStaleCluster(dataDirectory: string, socketDirectory: string, log: (line: string) => void, timeoutMs = 30_000): Promise<void> {
  const lockFile = join(dataDirectory, 'postmaster.pid');
  if (!existsSync(lockFile)) return;
  const [pidLine = '', , , , , , shmLine = ''] = readFileSync(lockFile, 'utf8').split('\n');
  const postmaster = Number(pidLine.trim());
  // Line 7 is "<key> <id>" of the SysV segment every process of the cluster attaches: the exact mark of
  // "a process of THIS cluster" (a ps title hides the data folder from a backend's command line).
  const key = Number(shmLine.trim().split(/\s+/)[0]);
  const segment = Number.isFinite(key) && key > 0 ? `/SYSV${key.toString(16).padStart(8, '0')}` : undefined;
  const deadline = Date.now() + timeoutMs;
  let signalled: 'none' | 'SIGQUIT' | 'SIGKILL' = 'none';
  const started = Date.now();
  for (;;) {
    const holders = holdersOf(postmaster, dataDirectory, segment);
    if (holders.length === 0) break;
    if (Date.now() > deadline) throw new Error(`processes ${holders.join(', ')} of an earlier PostgreSQL on ${dataDirectory} did not exit within ${timeoutMs / 1000} s; stop them (kill -9 ${holders.join(' ')}) and start again`);
    // SIGQUIT is PostgreSQL's immediate shutdown; after two seconds, SIGKILL (no data is lost: the
    // cluster recovers from its WAL at start, as after any crash).
    const next = Date.now() - started > 2_000 ? 'SIGKILL' : 'SIGQUIT';
    if (next !== signalled) {
      log(`stopping what is left of an earlier PostgreSQL on this folder (pids ${holders.join(', ')}) with ${next}`);
      for (const pid of holders) { try { process.kill(pid, next); } catch { /* already gone */ } }
      signalled = next;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Nothing holds the segment any more: a lock file (the data folder's, or the unix socket's) that names
  // the dead postmaster, still a zombie until something reaps it, would stop PostgreSQL, and guards nothing.
  if (postmaster > 0 && existsSync(`/proc/${postmaster}`)) rmSync(lockFile, { force: true });
  for (const entry of existsSync(socketDirectory) ? readdirSync(socketDirectory) : []) {
    if (!/^\.s\.PGSQL\.\d+\.lock$/.test(entry)) continue;
    const socketLock = join(socketDirectory, entry);
    const owner = Number(readFileSync(socketLock, 'utf8').split('\n')[0]?.trim());
    if (owner === postmaster || !isLive(owner)) rmSync(socketLock, { force: true });
  }
}

/** The live (not zombie) processes of the old cluster: its postmaster, and whatever maps its segment. */
function holdersOf(postmaster: number, dataDirectory: string, segment: string | undefined): number[] {
  const holders = new Set<number>();
  if (postmaster > 0 && isLive(postmaster) && commandLine(postmaster).includes(dataDirectory)) holders.add(postmaster);
  // Without /proc (macOS) nothing can be checked: PostgreSQL's own lock check decides, as before.
  if (segment !== undefined && existsSync('/proc')) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      try {
        if (readFileSync(`/proc/${entry}/maps`, 'utf8').includes(segment) && isLive(Number(entry))) holders.add(Number(entry));
      } catch { /* gone, or not ours to read */ }
    }
  }
  return [...holders];
}

function isLive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
