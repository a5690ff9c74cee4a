import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { localIdentities } from '../src/identity/local-directory';
import { auditAppSettings } from '../src/stack/app-settings';
import { startFunctionHost } from '../src/stack/start-function-host';
import { repositoryRoot } from '../src/stack/repository-root';
import { startStackIdentity } from '../src/stack/stack-identity';
import { testMongoUri, uniqueDatabaseName } from '../src/testing/test-database';

const run = promisify(execFile);
const root = repositoryRoot();

/** PATH without any folder that holds `go`: what a deployment runner with Node.js alone has. */
function pathWithoutGo(): string {
  const hasGo = (folder: string) => {
    try {
      accessSync(join(folder, 'go'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  return (process.env.PATH ?? '').split(delimiter).filter((folder) => !hasGo(folder)).join(delimiter);
}

describe('deployment packages (scripts/package-functions.sh)', function () {
  this.timeout(300_000);
  const out = mkdtempSync(join(tmpdir(), 'packages-'));
  let built: { stdout: string };

  before(async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: pathWithoutGo() };
    delete env.MONGODB_URI;
    built = await run('bash', [join(root, 'scripts', 'package-functions.sh'), out], { env, cwd: root, maxBuffer: 16 * 1024 * 1024 });
  });
  after(() => { rmSync(out, { recursive: true, force: true }); });

  it('are built with Node.js alone: no Go, no database toolchain', () => {
    assert.match(built.stdout, /AuditApi\.zip/);
    assert.match(built.stdout, /PatientTestsApi\.zip/);
  });

  it('hold the compiled app, host.json, the collection declarations and production dependencies only', async () => {
    for (const app of ['AuditApi', 'PatientTestsApi']) {
      const { stdout } = await run('python3', ['-m', 'zipfile', '-l', join(out, `${app}.zip`)], { maxBuffer: 64 * 1024 * 1024 });
      for (const entry of ['host.json', 'package.json', 'dist/src/index.js', 'dist/src/data/mongo-collections.json', 'dist/src/functions/app-roles.json', 'node_modules/@azure/functions/', 'node_modules/@patient-tests/shared/', 'node_modules/jose/']) {
        assert.ok(stdout.includes(entry), `${app}.zip lacks ${entry}`);
      }
      for (const devOnly of ['node_modules/mocha/', 'node_modules/typescript/', 'node_modules/@patient-tests/local-stack/', 'dist/test/']) {
        assert.ok(!stdout.includes(devOnly), `${app}.zip carries ${devOnly}`);
      }
    }
  });

  it('run: the packaged Audit API, unpacked alone, serves its functions', async () => {
    const unpacked = join(out, 'audit-unpacked');
    await run('python3', ['-m', 'zipfile', '-e', join(out, 'AuditApi.zip'), unpacked]);
    const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as { devDependencies?: unknown; main: string };
    assert.equal(manifest.devDependencies, undefined);
    // The dependencies are the ones the lock file installed and the tests ran, not resolved afresh.
    const version = (folder: string, name: string) => (JSON.parse(readFileSync(join(folder, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    for (const name of ['mongodb', 'zod', '@azure/functions', 'applicationinsights']) {
      assert.equal(version(unpacked, name), version(root, name), name);
    }
    const identity = await startStackIdentity({ root, stateDirectory: out, port: 0 });
    const settings = auditAppSettings({ mongodbUri: testMongoUri(), databaseName: uniqueDatabaseName('package'), collectionName: 'auditrecords', identity: identity.identityFor('audit') });
    const host = await startFunctionHost({ appDirectory: unpacked, port: 0, settings, log: () => undefined });
    try {
      assert.ok(host.routes.some((route) => route.includes('auditrecord')), `routes: ${host.routes.join(', ')}`);
      const health = await fetch(`${host.url}/api/health`);
      assert.equal(health.status, 200);
      // The guard is in the package with everything it loads (jose, the role declaration): no token, no list.
      assert.equal((await fetch(`${host.url}/api/auditrecords?resourceType=package-check`)).status, 401);
      const token = (await identity.service.tokens.issue(localIdentities.auditor, 'audit', 300)).token;
      const list = await fetch(`${host.url}/api/auditrecords?resourceType=package-check`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(list.status, 200);
    } finally {
      await host.stop();
      await identity.service.stop();
    }
  });
});
