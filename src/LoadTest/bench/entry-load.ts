import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EntryLoad {
  readonly app: string;
  /** Median over the runs of the time `require` of the entry file took, in a fresh process each time. */
  readonly loadMs: number;
  /** Median resident memory of that process right after the load. */
  readonly rssMiB: number;
  readonly runs: number;
}

/**
 * What every new Flex Consumption instance pays before its first request: loading the app's entry file
 * (package.json "main") with its settings, telemetry off, in a fresh Node process (the worker loads it
 * with `@azure/functions-core` present; the local host's stand-in plays that part). Beside the two apps,
 * a bare app that registers one function with `@azure/functions` alone, as the floor.
 */
export function measureEntryLoads(root: string, runs: number): EntryLoad[] {
  const scratch = mkdtempSync(join(tmpdir(), 'patient-tests-entry-'));
  try {
    const bare = join(scratch, 'bare-app.js');
    writeFileSync(bare, `const { app } = require(${JSON.stringify(require.resolve('@azure/functions', { paths: [root] }))});\napp.http('hello', { handler: () => ({ body: 'hello' }) });\n`);
    const apps: [string, string][] = [
      ['bare @azure/functions app', bare],
      ['Audit API', join(root, 'src', 'AuditApi', 'dist', 'src', 'index.js')],
      ['PatientTests API', join(root, 'src', 'PatientTestsApi', 'dist', 'src', 'index.js')],
    ];
    const shim = join(root, 'src', 'LocalStack', 'dist', 'src', 'host', 'functions-core-shim.js');
    // One untimed load first, so every measured run finds the files in the page cache alike.
    for (const [, entry] of apps) loadOnce(shim, entry);
    return apps.map(([app, entry]) => {
      const samples = Array.from({ length: runs }, () => loadOnce(shim, entry));
      return { app, loadMs: median(samples.map((sample) => sample.loadMs)), rssMiB: median(samples.map((sample) => sample.rssMiB)), runs };
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function loadOnce(shim: string, entry: string): { loadMs: number; rssMiB: number } {
  const program = `
    require(${JSON.stringify(shim)}).installFunctionsCoreShim();
    const started = performance.now();
    require(${JSON.stringify(entry)});
    const loadMs = performance.now() - started;
    process.stdout.write(JSON.stringify({ loadMs, rssMiB: process.memoryUsage().rss / 1048576 }));`;
  const output = execFileSync(process.execPath, ['-e', program], {
    // The settings an app needs to start; nothing is contacted while loading.
    env: {
      PATH: process.env.PATH ?? '',
      MONGODB_URI: 'mongodb://127.0.0.1:9/',
      AUDIT_API_URL: 'http://127.0.0.1:9/api',
      AUDIT_API_APPLICATION_ID: entryLoadId,
      MANAGED_IDENTITY_CLIENT_ID: entryLoadId,
      AUTH_TENANT_ID: entryLoadId,
      AUTH_APPLICATION_ID: entryLoadId,
    },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(output) as { loadMs: number; rssMiB: number };
}

/** Any GUID does for the ids an app needs at start-up: no token is fetched or checked while it loads. */
const entryLoadId = '00000000-0000-4000-8000-000000000000';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] ?? 0 : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
