import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { localIdentities, repositoryRoot } from '@patient-tests/local-stack';
import { TestStack } from '../fixtures/test-stack';

const run = promisify(execFile);

/**
 * The release check the deploy workflow runs from inside the VNet (scripts/verify-access.cjs), run here against
 * the local stack, whose apps check tokens exactly as the deployed ones do: it passes on a stack that refuses as
 * it should, and fails, naming the check, on one that lets anyone in.
 */
describe('the release check (scripts/verify-access.cjs) against the local stack', function () {
  this.timeout(60_000);
  let api: TestStack;
  let environment: Record<string, string>;

  before(async () => {
    api = await TestStack.start();
    environment = {
      PATH: process.env.PATH ?? '',
      PATIENT_TESTS_URL: api.stack.status.patientTests.url,
      AUDIT_URL: api.stack.status.audit.url,
      GATEWAY_URL: `${api.stack.status.gateway.url}/patient`,
      SUBSCRIPTION_KEY: api.subscriptionKey,
      // As `az account get-access-token --resource <application id>` gives the release probe its tokens.
      PATIENT_TESTS_PROBE_TOKEN: await api.tokenFor(localIdentities.releaseProbe, 'patient_tests'),
      AUDIT_PROBE_TOKEN: await api.tokenFor(localIdentities.releaseProbe, 'audit'),
      VERIFY_READY_SECONDS: '10',
    };
  });
  after(() => api.stop());

  const verify = (overrides: Record<string, string> = {}) =>
    run(process.execPath, [join(repositoryRoot(), 'scripts', 'verify-access.cjs')], { env: { ...environment, ...overrides } }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: unknown) => ({ code: (error as { code: number }).code, stdout: (error as { stdout: string }).stdout }),
    );

  it('passes where every call without a token is 401, every probe 403, and the gateway\'s call 200', async () => {
    const before = await api.counts();
    const { code, stdout } = await verify();
    assert.equal(code, 0, stdout);
    assert.match(stdout, /^11 passed, 0 failed$/m);
    const after = await api.counts();
    assert.equal(after.patients, before.patients, 'the check writes no patient');
    assert.equal(after.audits, before.audits + 1, 'its one call through the gateway is audited, as every call is');
  });

  it('fails, naming each check, against an app that lets anyone in', async () => {
    const open = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'); });
    open.listen(0, '127.0.0.1');
    await new Promise((resolve) => open.once('listening', resolve));
    const address = open.address();
    try {
      const { code, stdout } = await verify({ AUDIT_URL: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
      assert.equal(code, 1);
      assert.match(stdout, /FAIL {2}Audit API: GET \/api\/auditrecords without a token is 401: answered 200/);
      assert.match(stdout, /FAIL {2}Audit API: POST \/api\/auditrecord with a valid token of an identity it does not allow is 403: answered 200/);
    } finally {
      open.close();
    }
  });

  it('fails when the apps cannot check tokens at all (the probe\'s token refused as invalid, not as the wrong identity)', async () => {
    const { code, stdout } = await verify({ AUDIT_PROBE_TOKEN: environment.PATIENT_TESTS_PROBE_TOKEN ?? '' });
    assert.equal(code, 1);
    assert.match(stdout, /FAIL {2}Audit API: GET \/api\/auditrecords with a valid token of an identity it does not allow is 403: answered 401/);
  });

  // What `terraform output api_management` and `az apim product list` / `az apim api list` hand it in Azure.
  const configured = JSON.stringify({ name: 'apim-pt01-prod', products: ['patient-tests-clients'], apis: ['patient-tests'] });

  it('passes when API Management serves only the configuration\'s products and APIs', async () => {
    const { code, stdout } = await verify({ EXPECTED_API_MANAGEMENT: configured, API_MANAGEMENT_PRODUCTS: '["patient-tests-clients"]', API_MANAGEMENT_APIS: '["patient-tests"]' });
    assert.equal(code, 0, stdout);
    assert.match(stdout, /^ok {4}API Management has no products but the configuration's$/m);
    assert.match(stdout, /^13 passed, 0 failed$/m);
  });

  it('fails on a sample a new service came with, or on a listing it could not make', async () => {
    const samples = await verify({ EXPECTED_API_MANAGEMENT: configured, API_MANAGEMENT_PRODUCTS: '["patient-tests-clients","starter","unlimited"]', API_MANAGEMENT_APIS: '["echo-api","patient-tests"]' });
    assert.equal(samples.code, 1);
    assert.match(samples.stdout, /FAIL {2}API Management has no products but the configuration's: also has starter, unlimited/);
    assert.match(samples.stdout, /FAIL {2}API Management has no apis but the configuration's: also has echo-api/);
    const unlisted = await verify({ EXPECTED_API_MANAGEMENT: configured, API_MANAGEMENT_PRODUCTS: '', API_MANAGEMENT_APIS: '["patient-tests"]' });
    assert.equal(unlisted.code, 1);
    assert.match(unlisted.stdout, /FAIL {2}API Management has no products but the configuration's: its products could not be listed/);
  });
});
