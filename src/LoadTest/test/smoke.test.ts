import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot, startStack, testMongoUri, uniqueDatabaseName, type RunningStack } from '@patient-tests/local-stack';
import type { CpuPerRequest } from '../bench/telemetry-overhead';

const run = promisify(execFile);

/** Seconds-long runs of both load tools, so they cannot rot. Their figures mean nothing here. */
describe('load tools (smoke runs)', () => {
  const root = repositoryRoot();
  let scratch: string;

  before(() => { scratch = mkdtempSync(join(tmpdir(), 'patient-tests-smoke-')); });
  after(() => { rmSync(scratch, { recursive: true, force: true }); });

  it('npm run bench measures the ceiling and the API and writes its JSON', async function () {
    this.timeout(120_000);
    const { stdout } = await run(process.execPath, [join(root, 'src', 'LoadTest', 'dist', 'bench', 'main.js'), '--duration', '1', '--connections', '2', '--telemetry-rounds', '1', '--read-sizes', '20,40', '--entry-runs', '1', '--skip-packages', '--overload-connections', '8', '--json-dir', scratch], {
      env: { PATH: process.env.PATH ?? '', MONGODB_URI: testMongoUri() },
    });
    assert.match(stdout, /ratio, create patient/);
    assert.match(stdout, /stored patients: +\d+ per s/);
    assert.match(stdout, /Overload: create patient with 8 concurrent clients/);
    assert.match(stdout, /PatientTests API +\d+ ms +\d+ MiB +\(\d+\.\d × the bare app\)/);
    const [file] = readdirSync(scratch).filter((name) => name.startsWith('bench-'));
    assert.ok(file, 'a JSON report was written');
    const report = JSON.parse(readFileSync(join(scratch, file), 'utf8')) as {
      ceiling: { insertsPerSecond: number; findsPerSecond: number };
      api: { createPatient: { requestsPerSecond: number; unexpected: number }; loadPatient: { requestsPerSecond: number; unexpected: number } };
      telemetry: { on: { requestsPerSecond: number; cpu: CpuPerRequest }; off: { requestsPerSecond: number; cpu: CpuPerRequest }; exportRequests: number };
    };
    assert.ok(report.ceiling.insertsPerSecond > 0 && report.ceiling.findsPerSecond > 0);
    assert.ok(report.api.createPatient.requestsPerSecond > 0 && report.api.loadPatient.requestsPerSecond > 0);
    assert.equal(report.api.createPatient.unexpected + report.api.loadPatient.unexpected, 0);
    assert.ok(report.telemetry.on.requestsPerSecond > 0 && report.telemetry.off.requestsPerSecond > 0);
    assert.ok(report.telemetry.exportRequests > 0, 'the stack with telemetry on really exported spans');
    for (const mode of [report.telemetry.on, report.telemetry.off]) {
      // With MONGODB_URI (as here) the database is not the stack's own, so only its three processes count.
      assert.deepEqual(Object.keys(mode.cpu.byProcess).sort(), ['Audit API host', 'PatientTests API host', 'gateway (npm start)']);
      assert.ok(mode.cpu.totalMs > 0, 'the processes of each stack were found and their CPU time read');
    }
    assert.match(stdout, /CPU per create, all processes: off [\d.]+ ms, on [\d.]+ ms/);
  });

  describe('npm run loadtest against a running stack', () => {
    let stack: RunningStack;
    before(async () => {
      stack = await startStack({
        root,
        stateDirectory: scratch,
        mongodbUri: testMongoUri(),
        ports: { gateway: 0, patientTests: 0, audit: 0, ferretdb: 1 },
        keys: { gatewaySubscriptionKey: 'smoke-subscription-key', secondSubscriptionKey: 'smoke-second-subscription-key' },
        names: { auditDatabase: uniqueDatabaseName('smoke_audit'), auditCollection: 'auditrecords', patientTestsDatabase: uniqueDatabaseName('smoke_patients') },
        log: () => () => undefined,
      });
    });
    after(() => stack.stop());

    it('runs every operation of the mixed user with no unexpected answer and prints the summary', async function () {
      this.timeout(180_000);
      const { stdout } = await run('bash', [join(root, 'scripts', 'loadtest.sh'), '--users', '4', '--duration', '4s'], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOCUST_HOST: stack.status.gateway.url, PATIENT_TESTS_SUBSCRIPTION_KEY: 'smoke-subscription-key' },
      });
      assert.match(stdout, /all operations\s+\d+/);
      const total = /all operations\s+(\d+)\s+[\d.]+\s+\d+\s+\d+\s+\d+\s+(\d+)/.exec(stdout);
      assert.ok(total, stdout);
      assert.ok(Number(total[1]) > 0, 'requests were made');
      assert.equal(Number(total[2]), 0, 'no unexpected answers');
    });
  });
});
