import { readdirSync, readFileSync } from 'node:fs';

/** One process of the local stack, named by its role. */
export interface StackMember {
  readonly role: string;
  readonly pid: number;
}

/**
 * The stack's processes on Linux, from /proc: the `npm start` process (gateway) and its children,
 * FerretDB and one functions host per app (told apart by FUNCTIONS_APP_DIR in their environment).
 */
export function stackMembers(stackPid: number): StackMember[] {
  const members: StackMember[] = [{ role: 'gateway (npm start)', pid: stackPid }];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      // Field 4 of /proc/<pid>/stat is the parent; the command name (field 2) may hold spaces.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== stackPid) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (/(^|\/)postgres\0/.test(command)) {
        members.push({ role: 'PostgreSQL (all processes)', pid });
        continue;
      }
      const app = /FUNCTIONS_APP_DIR=([^\0]*)/.exec(readFileSync(`/proc/${pid}/environ`, 'utf8'))?.[1];
      members.push({ role: command.includes('ferretdb') ? 'FerretDB' : app?.endsWith('AuditApi') ? 'Audit API host' : 'PatientTests API host', pid });
    } catch {
      // The process ended while we looked.
    }
  }
  return members;
}

/**
 * A member's memory in MiB: resident memory (VmRSS) of one process, or for PostgreSQL, whose server is a
 * postmaster with a process per connection sharing one buffer pool, the proportional set size (PSS, shared
 * pages divided among their users) summed over the postmaster and its children, so shared memory counts once.
 */
export function memberMiB(member: StackMember): number | undefined {
  if (!member.role.startsWith('PostgreSQL')) return residentMiB(member.pid);
  const own = proportionalMiB(member.pid);
  if (own === undefined) return undefined;
  return childrenOf(member.pid).reduce((sum, child) => sum + (proportionalMiB(child) ?? 0), own);
}

function proportionalMiB(pid: number): number | undefined {
  try {
    const kib = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

function childrenOf(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) children.push(Number(entry));
    } catch {
      // gone
    }
  }
  return children;
}

/** Resident memory in MiB (VmRSS), or undefined once the process is gone. */
export function residentMiB(pid: number): number | undefined {
  try {
    const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system) a member has used so far: for PostgreSQL the postmaster and its per-connection
 * children. Linux counts them in USER_HZ ticks, which the kernel fixes at 100 per second for user space.
 */
export function memberCpuSeconds(member: StackMember): number {
  const pids = member.role.startsWith('PostgreSQL') ? [member.pid, ...childrenOf(member.pid)] : [member.pid];
  return pids.reduce((sum, pid) => sum + cpuTicks(pid), 0) / 100;
}

function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name: field 3 is the state, so utime and stime (fields 14, 15) are at 11 and 12.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}
