// `npm run soak [-- --minutes 10 --users 10]`: a soak test, never part of the test suite. Mixed Locust
// load through the gateway of a throw-away stack for the whole time; reports requests, failures, and the
// resident memory of every process at the start (after a warm-up), its peak, and at the end.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repositoryRoot } from '@patient-tests/local-stack';
import { residentMiB, stackMembers } from './process-memory';
import { startStackProcess } from './stack-process';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, users: { type: 'string', default: '10' } } });
const minutes = Number(values.minutes);
const users = Number(values.users);
if (!(minutes > 0) || !Number.isInteger(users) || users < 1) throw new Error('--minutes must be positive and --users a whole number of at least 1');

const warmUpMs = Math.min(30_000, (minutes * 60_000) / 10);

async function main(): Promise<void> {
  const root = repositoryRoot();
  const folder = join(root, '.local', 'soak', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(folder, { recursive: true });
  const stack = await startStackProcess(process.env.MONGODB_URI || undefined);
  try {
    const members = stackMembers(stack.pid);
    const memory = new Map(members.map((member) => [member.pid, { ...member, startMiB: 0, peakMiB: 0, endMiB: 0 }]));
    const locust = spawn(join(root, '.local', 'venv', 'bin', 'locust'), [
      '--config', join(root, 'src', 'LoadTest', 'locust.conf'),
      '--users', String(users), '--spawn-rate', String(users), '--run-time', `${Math.round(minutes * 60)}s`,
      '--csv', join(folder, 'run'), 'MixedUser',
    ], {
      env: { PATH: process.env.PATH ?? '', LOCUST_HOST: stack.status.gateway.url, PATIENT_TESTS_SUBSCRIPTION_KEY: stack.status.gateway.subscriptionKey },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const sample = (field: 'startMiB' | 'endMiB' | undefined) => {
      for (const entry of memory.values()) {
        const mib = residentMiB(entry.pid) ?? 0;
        entry.peakMiB = Math.max(entry.peakMiB, mib);
        if (field) entry[field] = mib;
      }
    };
    const warmUp = setTimeout(() => { sample('startMiB'); }, warmUpMs);
    const sampler = setInterval(() => { sample(undefined); }, 5_000);
    const [code] = (await once(locust, 'exit')) as [number | null];
    clearTimeout(warmUp);
    clearInterval(sampler);
    sample('endMiB');

    const totals = aggregate(join(folder, 'run_stats.csv'));
    const report = { minutes, users, warmUpSeconds: warmUpMs / 1000, ...totals, locustExitCode: code, memory: [...memory.values()] };
    writeFileSync(join(folder, 'soak.json'), `${JSON.stringify(report, null, 2)}\n`);
    const lines = [
      `Soak: ${minutes} min of mixed load, ${users} users, through the gateway`,
      `  requests ${totals.requests}, failures ${totals.failures}, ${totals.requestsPerSecond.toFixed(1)} per s, p50 ${totals.p50Ms} ms, p99 ${totals.p99Ms} ms`,
      `  resident memory (MiB)          after ${warmUpMs / 1000} s   peak     end`,
      ...[...memory.values()].map((entry) => `  ${entry.role.padEnd(28)} ${entry.startMiB.toFixed(0).padStart(9)} ${entry.peakMiB.toFixed(0).padStart(7)} ${entry.endMiB.toFixed(0).padStart(7)}`),
      `Report: ${join(folder, 'soak.json')} (Locust CSV beside it)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (totals.failures > 0 || code !== 0) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
}

function aggregate(statsCsv: string): { requests: number; failures: number; requestsPerSecond: number; p50Ms: number; p99Ms: number } {
  const [header, ...rows] = readFileSync(statsCsv, 'utf8').trim().split('\n').map((line) => line.split(','));
  const total = rows.find((row) => row[1] === 'Aggregated');
  if (!header || !total) throw new Error(`no aggregate row in ${statsCsv}`);
  const column = (name: string) => Number(total[header.indexOf(name)]);
  return { requests: column('Request Count'), failures: column('Failure Count'), requestsPerSecond: column('Requests/s'), p50Ms: column('50%'), p99Ms: column('99%') };
}

main().catch((error: unknown) => {
  process.stderr.write(`soak failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
