import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from '../src/stack/repository-root';

const root = repositoryRoot();

/** Runs mocha with the suite's reporter on one test file, as `npm test` runs the suite. */
function runMocha(testSource: string): { status: number | null; stdout: string; stderr: string } {
  const folder = mkdtempSync(join(tmpdir(), 'test-run-exit-'));
  try {
    const file = join(folder, 'example.test.cjs');
    writeFileSync(file, testSource);
    const result = spawnSync(process.execPath, [join(root, 'node_modules/mocha/bin/mocha.js'), '--no-config', '--reporter', join(root, 'scripts/mocha-summary-reporter.cjs'), file], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', MOCHA_LEAK_GRACE_MS: '1500' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('the test run ends (no hang in CI)', () => {
  it('a run that leaves a server open is reported and fails instead of hanging', () => {
    const run = runMocha(`it('passes but leaves a server listening', () => { require('node:net').createServer().listen(0, '127.0.0.1'); });`);
    assert.match(run.stdout, /1 passed, 0 failed/);
    assert.match(run.stderr, /still alive, held by: .*TCPServerWrap/);
    assert.equal(run.status, 1);
  });

  it('a clean run exits at once with its own code', () => {
    const passing = runMocha(`it('passes', () => {});`);
    assert.equal(passing.status, 0);
    assert.equal(passing.stderr, '');
    const failing = runMocha(`it('fails', () => { throw new Error('no'); });`);
    assert.match(failing.stdout, /0 passed, 1 failed/);
    assert.equal(failing.status, 1);
  });
});
