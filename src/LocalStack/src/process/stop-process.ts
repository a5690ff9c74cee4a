import type { ChildProcess } from 'node:child_process';

/** Asks a child to stop with `signal`, and kills it when it has not exited after `graceMs`; resolves once it has exited. */
export function stopProcess(child: ChildProcess, graceMs = 5_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill(signal);
  });
}
