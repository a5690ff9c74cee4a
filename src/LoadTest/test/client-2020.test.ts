import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot, startStack, testMongoUri, uniqueDatabaseName, type RunningStack } from '@patient-tests/local-stack';
import { RecordingProxy } from './fixtures/recording-proxy';

const run = promisify(execFile);
const subscriptionKey = 'client-2020-subscription-key';
const guid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Every request the 2020 client makes (its Echo task aside), as method and path. */
const requestShapes = [
  /^POST \/patient\/$/,
  new RegExp(`^GET /patient/(${guid}|1)$`),
  new RegExp(`^PUT /patient/${guid}$`),
  /^POST \/patient\/search$/,
  new RegExp(`^POST /patient/(${guid}|1)/tests$`),
  new RegExp(`^GET /patient/(${guid}|1)/tests/$`),
  new RegExp(`^GET /patient/${guid}/tests/(${guid}|1)$`),
];
const generatedPatientMembers = ['dateOfBirth', 'firstName', 'fullName', 'gender', 'insuranceNumber', 'lastName', 'postCode', 'preferredContactNumber'];

/**
 * The 2020 sample's load-test client, as our own Locust user class (src/LoadTest/client_2020.py) that
 * sends what it sent, run through `npm run loadtest` against the real stack for a bounded, seconds-long
 * run. A recording proxy in front of the gateway shows what really crossed the wire.
 */
describe('the 2020 client (Client2020User) against the local stack', () => {
  const root = repositoryRoot();
  let scratch: string;
  let stack: RunningStack;
  let proxy: RecordingProxy;
  let summary: string;

  before(async function () {
    this.timeout(240_000);
    scratch = mkdtempSync(join(tmpdir(), 'patient-tests-client-2020-'));
    stack = await startStack({
      root,
      stateDirectory: scratch,
      mongodbUri: testMongoUri(),
      ports: { gateway: 0, patientTests: 0, audit: 0, ferretdb: 1 },
      keys: { gatewaySubscriptionKey: subscriptionKey, secondSubscriptionKey: 'client-2020-second-subscription-key' },
      names: { auditDatabase: uniqueDatabaseName('client2020_audit'), auditCollection: 'auditrecords', patientTestsDatabase: uniqueDatabaseName('client2020_patients') },
      log: () => () => undefined,
    });
    proxy = await RecordingProxy.start(stack.status.gateway.url);
    // Exits non-zero on any failure (locust.conf: exit-code-on-error), which rejects here.
    const { stdout } = await run('bash', [join(root, 'scripts', 'loadtest.sh'), '--user-class', 'Client2020User', '--users', '20', '--duration', '15s'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOCUST_HOST: proxy.url, PATIENT_TESTS_SUBSCRIPTION_KEY: subscriptionKey },
    });
    summary = stdout;
  });
  after(async () => {
    await proxy.close();
    await stack.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('runs with no failure', () => {
    const total = /all operations\s+(\d+)\s+[\d.]+\s+\d+\s+\d+\s+\d+\s+(\d+)/.exec(summary);
    assert.ok(total, summary);
    assert.equal(Number(total[2]), 0, summary);
    // Requests still in flight when the run ends reach the proxy but are not counted by Locust.
    assert.ok(Number(total[1]) > 0 && Number(total[1]) <= proxy.exchanges.length, `Locust counted ${total[1]}, the proxy saw ${proxy.exchanges.length}`);
    assert.ok(proxy.exchanges.some((exchange) => exchange.method === 'POST' && exchange.path === '/patient/' && exchange.status === 201), 'patients were created');
  });

  it('exercised every area of the 2020 client: each of its request shapes at least once, so the checks below check something', () => {
    const seen = requestShapes.map((pattern) => proxy.exchanges.filter((exchange) => pattern.test(`${exchange.method} ${exchange.path}`)).length);
    assert.ok(seen.every((count) => count > 0), `requests per shape: ${requestShapes.map((pattern, index) => `${pattern.source} ${seen[index] ?? 0}`).join(', ')}`);
  });

  it('sent only the 2020 client\'s requests: its paths, its key header, JSON text declared as plain text, no header of ours', () => {
    for (const exchange of proxy.exchanges) {
      const shape = `${exchange.method} ${exchange.path}`;
      assert.ok(requestShapes.some((pattern) => pattern.test(shape)), shape);
      assert.equal(exchange.headers['ocp-apim-subscription-key'], subscriptionKey, shape);
      for (const header of ['if-match', 'idempotency-key', 'traceparent']) {
        assert.equal(exchange.headers[header], undefined, `${shape} carries ${header}`);
      }
      if (exchange.method === 'GET') {
        assert.equal(exchange.body, '', shape);
        assert.equal(exchange.headers['content-type'], undefined, shape);
      } else {
        // json.dumps text given as raw data: geventhttpclient declares every string body this way.
        assert.equal(exchange.headers['content-type'], 'text/plain; charset=utf-8', shape);
        assert.doesNotThrow(() => JSON.parse(exchange.body) as unknown, `${shape}: the body is JSON text`);
      }
    }
  });

  it('sent its generated patients and its invalid ones, and got 201 and 400 for them', () => {
    const creates = proxy.exchanges.filter((exchange) => exchange.method === 'POST' && exchange.path === '/patient/');
    assert.ok(creates.some((create) => Object.keys(JSON.parse(create.body) as object).length > 1), 'no generated patient was sent');
    for (const create of creates) {
      const body = JSON.parse(create.body) as Record<string, unknown>;
      if (Object.keys(body).length === 1) {
        assert.deepEqual(body, { lastName: 'LT' });
        assert.equal(create.status, 400);
      } else {
        assert.deepEqual(Object.keys(body).sort(), generatedPatientMembers);
        assert.equal(create.status, 201, create.responseBody);
      }
    }
  });

  it('put back exactly the body it had loaded, and every such update succeeded', () => {
    const updates = proxy.exchanges.filter((exchange) => exchange.method === 'PUT');
    assert.ok(updates.length > 0, 'no update was sent');
    for (const update of updates) {
      const sent = JSON.parse(update.body) as { id: string };
      const loads = proxy.exchanges.filter((exchange) => exchange.method === 'GET' && exchange.path === `/patient/${sent.id}` && exchange.status === 200);
      // Python's json.dumps spaces its separators; the members and values are what it loaded.
      assert.ok(loads.some((load) => sameJson(load.responseBody, update.body)), `PUT /patient/${sent.id} sends a body it loaded`);
      assert.equal(update.status, 200, update.responseBody);
    }
  });
});

function sameJson(a: string, b: string): boolean {
  return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
}
