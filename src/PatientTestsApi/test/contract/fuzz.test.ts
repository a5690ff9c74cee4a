import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from '@patient-tests/local-stack';
import { TestStack } from '../fixtures/test-stack';

// The sources live beside the compiled test: dist/test/contract → test/contract.
const contractDirectory = join(__dirname, '..', '..', '..', 'test', 'contract');
const schemathesis = join(repositoryRoot(), '.local', 'venv', 'bin', 'schemathesis');
/** Bounded for the suite; raise FUZZ_EXAMPLES (and vary FUZZ_SEED) for a deeper run. */
const examples = process.env.FUZZ_EXAMPLES ?? '15';
const seed = process.env.FUZZ_SEED ?? '20261122';

interface Run { code: number; output: string }

/** schemathesis with our configuration and our own check (no internal detail in any response). */
function fuzz(schemaUrl: string, headers: string[]): Promise<Run> {
  const args = ['--config-file', join(contractDirectory, 'schemathesis.toml'), 'run', schemaUrl, '--max-examples', examples, '--seed', seed, '--workers', '1', '--no-color'];
  for (const header of headers) args.push('-H', header);
  // schemathesis stores failing examples in .schemathesis/ under its working folder and replays them on
  // the next run; a throw-away folder keeps every run to its seed alone.
  const workingFolder = mkdtempSync(join(tmpdir(), 'schemathesis-'));
  return new Promise<Run>((resolve) => {
    execFile(schemathesis, args, {
      cwd: workingFolder,
      env: { PATH: process.env.PATH ?? '', PYTHONPATH: contractDirectory, SCHEMATHESIS_HOOKS: 'no_internal_detail', NO_COLOR: '1' },
      maxBuffer: 16 * 1024 * 1024,
    }, (error, stdout, stderr) => {
      rmSync(workingFolder, { recursive: true, force: true });
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

function generated(output: string): number {
  return Number(/(\d+) generated/.exec(output)?.[1] ?? 0);
}

describe('contract fuzzing with schemathesis (property-based, from the OpenAPI document)', function () {
  this.timeout(300_000);

  it('finds a leak when there is one: the check itself can fail', async () => {
    const document = {
      openapi: '3.1.0',
      info: { title: 'leaky', version: '1' },
      paths: { '/thing': { get: { responses: { 200: { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } } } } },
    };
    const leaky = createServer((req, res) => {
      if (req.url === '/openapi.json') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'at connect (/app/node_modules/mongodb/lib/x.js:1:2)' }));
    });
    leaky.listen(0, '127.0.0.1');
    await once(leaky, 'listening');
    const address = leaky.address();
    try {
      const run = await fuzz(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/openapi.json`, []);
      assert.notEqual(run.code, 0, run.output);
      assert.match(run.output, /reveals internal detail/);
    } finally {
      leaky.close();
    }
  });

  describe('the PatientTests API through the gateway', () => {
    let api: TestStack;
    before(async () => { api = await TestStack.start(); });
    after(() => api.stop());

    it('answers every generated request within its contract: no 5xx, documented statuses and schemas, no internal detail', async () => {
      const { gateway } = api.stack.status;
      const run = await fuzz(gateway.openApi, [`Ocp-Apim-Subscription-Key: ${gateway.subscriptionKey}`]);
      const cases = generated(run.output);
      process.stdout.write(`      schemathesis: ${cases} requests generated (${examples} examples per operation and phase, seed ${seed})\n`);
      assert.equal(run.code, 0, run.output.slice(-6000));
      assert.ok(cases >= 100, `schemathesis really ran (${cases} requests)`);
      assert.match(run.output, /Selected: 8\/8/);
    });
  });
});
