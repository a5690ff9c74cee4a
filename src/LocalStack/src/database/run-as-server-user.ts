import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** How a database server process is started: the program prefix and the account it runs as. */
export interface ServerAccount {
  /** Put before the server's own command line. Empty when the server runs as we do, without setpriv. */
  readonly prefix: readonly string[];
  /** uid/gid to own the server's data folder, when it runs as another account (we are root). */
  readonly owner?: { readonly uid: number; readonly gid: number; readonly name: string };
}

const setprivPath = ['/usr/bin/setpriv', '/bin/setpriv'].find((candidate) => existsSync(candidate));

/**
 * PostgreSQL refuses to run as root. When we are root (CI, containers) its processes run as the
 * `postgres` account that Debian's package creates. setpriv (util-linux) also sets the parent-death
 * signal (`deathSignalName`), after the change of user (which would clear it), so the server dies with the stack even when
 * the stack is killed with SIGKILL: no orphaned cluster holding the port and the data folder.
 */
export function serverAccount(deathSignalName: string, accountName = 'postgres'): ServerAccount {
  const deathSignal = setprivPath === undefined ? [] : [setprivPath, '--pdeathsig', deathSignalName];
  if (process.getuid?.() !== 0) return { prefix: deathSignalPrefix(deathSignalName) };
  if (setprivPath === undefined) throw new Error('running as root, the stack needs setpriv (util-linux) to run PostgreSQL as another user');
  const ids = spawnSync('id', ['-u', accountName], { encoding: 'utf8' });
  if (ids.status !== 0) {
    throw new Error(`PostgreSQL refuses to run as root, and there is no "${accountName}" account to run it as: install PostgreSQL from your distribution's package (it creates the account), or run the stack as an ordinary user`);
  }
  const uid = Number(ids.stdout.trim());
  const gid = Number(execFileSync('id', ['-g', accountName], { encoding: 'utf8' }).trim());
  return {
    prefix: [...deathSignal, `--reuid=${uid}`, `--regid=${gid}`, '--init-groups', '--'],
    owner: { uid, gid, name: accountName },
  };
}

/**
 * The server account must be able to enter every folder above its data folder. A private temporary
 * folder (mode 0700, owned by root) is the usual culprit; name it and the fix rather than let initdb fail
 * with "permission denied".
 */
export function assertEnterable(account: ServerAccount, folder: string): void {
  if (account.owner === undefined) return;
  let blocked: string | undefined;
  for (let current = resolve(folder); ; current = dirname(current)) {
    if (existsSync(current) && spawnSync(account.prefix[0] ?? 'false', [...account.prefix.slice(1), 'test', '-x', current]).status !== 0) blocked = current;
    if (dirname(current) === current) break;
  }
  if (blocked !== undefined) {
    throw new Error(`PostgreSQL runs as "${account.owner.name}", which cannot enter ${blocked}: make it enterable (chmod o+x ${blocked}) or put the stack's folder (LOCAL_STACK_DIR) elsewhere`);
  }
}

/**
 * `setpriv --pdeathsig <signal> --` (Linux): the program started after it gets `signal` when our process
 * ends, however it ends. Empty where setpriv does not exist (macOS): there only a clean exit stops it.
 */
export function deathSignalPrefix(signal: string): string[] {
  return setprivPath === undefined ? [] : [setprivPath, '--pdeathsig', signal, '--'];
}
