// `npm run soak [-- --minutes 10 --users 10]`: a soak test, never part of the test suite. Mixed Locust
// load through the gateway of a throw-away stack for the whole time; reports requests, failures, and the
// resident memory of every process at the start (after a warm-up), its peak, and at the end.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repositoryRoot } from '@patient-tests/local-stack';
import { memberMiB, stackMembers } from './stack-members';
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
    const memory = new Map(members.map((member) => [member.pid, { ...member, startMiB: 0, peakMiB: 0, endMiB: 0, samples: [] as [number, number][] }]));
    const startedAt = Date.now();
    const locust = spawn(join(root, '.local', 'venv', 'bin', 'locust'), [
      '--config', join(root, 'src', 'LoadTest', 'locust.conf'),
      '--users', String(users), '--spawn-rate', String(users), '--run-time', `${Math.round(minutes * 60)}s`,
      '--csv', join(folder, 'run'), 'MixedUser',
    ], {
      env: { PATH: process.env.PATH ?? '', LOCUST_HOST: stack.status.gateway.url, PATIENT_TESTS_SUBSCRIPTION_KEY: stack.status.gateway.subscriptionKey },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const sample = (field: 'startMiB' | 'endMiB' | undefined) => {
      const minutes = (Date.now() - startedAt) / 60_000;
      for (const entry of memory.values()) {
        const mib = memberMiB(entry) ?? 0;
        entry.peakMiB = Math.max(entry.peakMiB, mib);
        if (field) entry[field] = mib;
        // The slope is fitted to what comes after the warm-up, when the heaps have found their size.
        if (minutes * 60_000 >= warmUpMs) entry.samples.push([minutes, mib]);
      }
    };
    const warmUp = setTimeout(() => { sample('startMiB'); }, warmUpMs);
    const sampler = setInterval(() => { sample(undefined); }, 5_000);
    const [code] = (await once(locust, 'exit')) as [number | null];
    clearTimeout(warmUp);
    clearInterval(sampler);
    sample('endMiB');

    const totals = aggregate(join(folder, 'run_stats.csv'));
    const perMinute = throughputPerMinute(join(folder, 'run_stats_history.csv'));
    const firstMinute = perMinute[0] ?? 0;
    const lastMinute = perMinute[perMinute.length - 1] ?? 0;
    const slopes = new Map([...memory.values()].map((entry) => [entry.pid, slope(entry.samples)]));
    const report = {
      minutes, users, warmUpSeconds: warmUpMs / 1000, ...totals, locustExitCode: code,
      throughputPerMinute: perMinute, lastToFirstMinute: lastMinute / firstMinute,
      memory: [...memory.values()].map(({ samples, ...entry }) => ({ ...entry, slopeMiBPerMinute: slopes.get(entry.pid) ?? 0, samples })),
    };
    writeFileSync(join(folder, 'soak.json'), `${JSON.stringify(report, null, 2)}\n`);
    const lines = [
      `Soak: ${minutes} min of mixed load, ${users} users, through the gateway`,
      `  requests ${totals.requests}, failures ${totals.failures}, ${totals.requestsPerSecond.toFixed(1)} per s, p50 ${totals.p50Ms} ms, p99 ${totals.p99Ms} ms`,
      `  throughput per minute (requests per s): ${perMinute.map((value) => value.toFixed(1)).join(', ')}`,
      `  last minute ÷ first minute: ${(lastMinute / firstMinute).toFixed(2)}`,
      `  memory (MiB; PostgreSQL: PSS of all its processes)  after ${warmUpMs / 1000} s   peak     end   slope after warm-up`,
      ...[...memory.values()].map((entry) => `  ${entry.role.padEnd(28)} ${entry.startMiB.toFixed(0).padStart(9)} ${entry.peakMiB.toFixed(0).padStart(7)} ${entry.endMiB.toFixed(0).padStart(7)}   ${(slopes.get(entry.pid) ?? 0).toFixed(2)} MiB/min`),
      `Report: ${join(folder, 'soak.json')} (Locust CSV beside it)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (totals.failures > 0 || code !== 0) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
}

/** Requests per second in each whole minute of the run, from Locust's per-second history (cumulative counts). */
function throughputPerMinute(historyCsv: string): number[] {
  const [header, ...rows] = readFileSync(historyCsv, 'utf8').trim().split('\n').map((line) => line.split(','));
  if (!header) return [];
  const at = (name: string) => header.indexOf(name);
  const points = rows
    .filter((row) => row[at('Name')] === 'Aggregated')
    .map((row) => [Number(row[at('Timestamp')]), Number(row[at('Total Request Count')])] as const);
  const start = points[0]?.[0];
  if (start === undefined) return [];
  const minutes: number[] = [];
  for (let minute = 0; ; minute += 1) {
    const from = points.findLast(([time]) => time <= start + minute * 60);
    const to = points.findLast(([time]) => time <= start + (minute + 1) * 60);
    if (!from || !to || to[0] < start + (minute + 1) * 60 - 2) break;
    minutes.push((to[1] - from[1]) / (to[0] - from[0]));
  }
  return minutes;
}

/** Least-squares slope of (minute, MiB) samples: how fast memory grows, in MiB per minute. */
function slope(samples: readonly (readonly [number, number])[]): number {
  if (samples.length < 2) return 0;
  const meanX = samples.reduce((sum, [x]) => sum + x, 0) / samples.length;
  const meanY = samples.reduce((sum, [, y]) => sum + y, 0) / samples.length;
  const covariance = samples.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const variance = samples.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return variance === 0 ? 0 : covariance / variance;
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
