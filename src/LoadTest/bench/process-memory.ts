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
      const app = /FUNCTIONS_APP_DIR=([^\0]*)/.exec(readFileSync(`/proc/${pid}/environ`, 'utf8'))?.[1];
      members.push({ role: command.includes('ferretdb') ? 'FerretDB' : app?.endsWith('AuditApi') ? 'Audit API host' : 'PatientTests API host', pid });
    } catch {
      // The process ended while we looked.
    }
  }
  return members;
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
