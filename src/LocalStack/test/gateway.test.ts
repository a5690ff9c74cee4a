import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patientApiPolicyFile, readApiPolicy, type ApiLimits } from '../src/gateway/api-policy';
import { createGateway } from '../src/gateway/gateway';
import { operationNamer } from '../src/gateway/operation-name';
import { patientApiNamedValues } from '../src/stack/publish-patient-api';
import { repositoryRoot } from '../src/stack/repository-root';
import { startStackIdentity, type StackIdentity } from '../src/stack/stack-identity';
import { closeServer, listenOnFreePort } from './fixtures/http-server';

interface Forwarded { url: string; headers: IncomingHttpHeaders; body: string }

const limits: ApiLimits = { callsPerWindow: 1_000, windowSeconds: 60, maxBodyBytes: 1_024, backendTimeoutMs: 5_000 };
/** The policy API Management gets, with test-sized limits. */
const policy = { ...readApiPolicy(patientApiPolicyFile(repositoryRoot())), limits };
/** API Management's identity, whose token the policy sends to every backend call. */
let identity: StackIdentity;

function gatewayTo(backendUrl: string, keys: readonly string[], overrides: Partial<ApiLimits> = {}) {
  return createGateway({
    subscriptions: keys.map((key, index) => ({ id: `client-${index}`, name: `Client ${index}`, key })),
    apis: [{ path: 'patient', backendUrl: `${backendUrl}/api/patient` }],
    policy: { ...policy, limits: { ...limits, ...overrides } },
    namedValues: patientApiNamedValues,
    managedIdentity: identity.gateway,
  });
}

describe('gateway (API Management stand-in)', () => {
  const received: Forwarded[] = [];
  const subscriptionKey = 'client-subscription-key';
  let backend: Server;
  let gateway: Server;
  let base: string;
  let backendUrl: string;
  const identityFolder = mkdtempSync(join(tmpdir(), 'gateway-identity-'));

  before(async () => {
    identity = await startStackIdentity({ root: repositoryRoot(), stateDirectory: identityFolder, port: 0 });
  });
  after(async () => {
    await identity.service.stop();
    rmSync(identityFolder, { recursive: true, force: true });
  });

  before(async () => {
    backend = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.writeHead(201, { 'content-type': 'application/json', location: '/api/patient/1' }).end('{"stored":true}');
      });
    });
    backendUrl = await listenOnFreePort(backend);
    gateway = gatewayTo(backendUrl, [subscriptionKey]);
    base = await listenOnFreePort(gateway);
  });
  after(async () => { await closeServer(gateway); await closeServer(backend); });
  beforeEach(() => { received.length = 0; });

  it('gives the same 401 problem without a key and with a wrong key, and forwards nothing', async () => {
    const missing = await fetch(`${base}/patient`);
    const wrong = await fetch(`${base}/patient`, { headers: { 'ocp-apim-subscription-key': 'guess' } });
    assert.equal(missing.status, 401);
    assert.equal(wrong.status, 401);
    assert.equal(missing.headers.get('content-type'), 'application/problem+json');
    assert.deepEqual(await missing.json(), await wrong.json());
    assert.equal(received.length, 0);
  });

  it('maps the public path to the backend route, adds its token and strips the subscription key and any function key', async () => {
    const response = await fetch(`${base}/patient/search?x=1`, {
      method: 'POST',
      headers: { 'ocp-apim-subscription-key': subscriptionKey, 'content-type': 'application/json', 'x-functions-key': 'client-injected' },
      body: '{"firstName":"Ada"}',
    });
    assert.equal(response.status, 201);
    assert.deepEqual(await response.json(), { stored: true });
    const [forwarded] = received;
    assert.equal(forwarded?.url, '/api/patient/search?x=1');
    assert.equal(forwarded.body, '{"firstName":"Ada"}');
    assert.equal(forwarded.headers['x-functions-key'], undefined);
    assert.match(forwarded.headers.authorization ?? '', /^Bearer eyJ/);
    assert.equal(forwarded.headers['ocp-apim-subscription-key'], undefined);
  });

  it('matches the API path without regard to case, as API Management does, and forwards the rest as sent', async () => {
    const response = await fetch(`${base}/PATIENT/AbC-id?x=1`, { headers: { 'ocp-apim-subscription-key': subscriptionKey } });
    assert.equal(response.status, 201);
    assert.equal(received[0]?.url, '/api/patient/AbC-id?x=1');
    // The path the client called, for a problem's instance (the policy's x-original-path), as it was sent.
    assert.equal(received[0].headers['x-original-path'], '/PATIENT/AbC-id');
    assert.equal((await fetch(`${base}/PATIENTS`, { headers: { 'ocp-apim-subscription-key': subscriptionKey } })).status, 404);
  });

  it('tells the backend the path the client called, whatever x-original-path the client sent', async () => {
    await fetch(`${base}/patient/search`, { headers: { 'ocp-apim-subscription-key': subscriptionKey, 'x-original-path': '/elsewhere' } });
    assert.equal(received[0]?.headers['x-original-path'], '/patient/search');
  });

  it('accepts the key as a subscription-key query parameter and removes it before forwarding', async () => {
    const response = await fetch(`${base}/patient?subscription-key=${subscriptionKey}&code=smuggled`);
    assert.equal(response.status, 201);
    assert.equal(received[0]?.url, '/api/patient');
    assert.ok(!JSON.stringify(received[0].headers).includes(subscriptionKey));
  });

  it('continues the caller\'s trace with a new parent span', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await fetch(`${base}/patient`, { headers: { 'ocp-apim-subscription-key': subscriptionKey, traceparent, tracestate: 'vendor=1' } });
    const forwarded = String(received[0]?.headers.traceparent);
    assert.match(forwarded, /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    assert.notEqual(forwarded, traceparent);
    assert.equal(received[0]?.headers.tracestate, 'vendor=1');
  });

  it('starts a trace when the caller sent none or a malformed one', async () => {
    await fetch(`${base}/patient`, { headers: { 'ocp-apim-subscription-key': subscriptionKey } });
    await fetch(`${base}/patient`, { headers: { 'ocp-apim-subscription-key': subscriptionKey, traceparent: '00-zz-bad-01' } });
    for (const forwarded of received) assert.match(String(forwarded.headers.traceparent), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    assert.notEqual(received[0]?.headers.traceparent, received[1]?.headers.traceparent);
  });

  it('answers 404 for a path no API is published at, without forwarding', async () => {
    const response = await fetch(`${base}/auditrecord`, { headers: { 'ocp-apim-subscription-key': subscriptionKey } });
    assert.equal(response.status, 404);
    assert.equal((await fetch(`${base}/patients`, { headers: { 'ocp-apim-subscription-key': subscriptionKey } })).status, 404);
    assert.equal(received.length, 0);
  });

  it('answers 503 with Retry-After and a problem document when nothing listens at the backend (restarting)', async () => {
    const lonely = gatewayTo('http://127.0.0.1:9', [subscriptionKey]);
    const url = await listenOnFreePort(lonely);
    try {
      const response = await fetch(`${url}/patient`, { headers: { 'ocp-apim-subscription-key': subscriptionKey } });
      assert.equal(response.status, 503);
      assert.ok(Number(response.headers.get('retry-after')) >= 1);
      const problem = (await response.json()) as { type: string; operationId: string };
      assert.equal(problem.type, 'urn:patient-tests:problem:service-unavailable');
      assert.match(problem.operationId, /^[0-9a-f]{32}$/);
    } finally {
      await closeServer(lonely);
    }
  });

  describe('limits', () => {
    it('answers 413 for a body over the limit, declared or streamed, without forwarding', async () => {
      const declared = await fetch(`${base}/patient`, { method: 'POST', headers: { 'ocp-apim-subscription-key': subscriptionKey, 'content-type': 'application/json' }, body: 'x'.repeat(limits.maxBodyBytes + 1) });
      assert.equal(declared.status, 413);
      assert.equal(((await declared.json()) as { type: string }).type, 'urn:patient-tests:problem:payload-too-large');
      const chunks = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let index = 0; index < 4; index++) controller.enqueue(new Uint8Array(400).fill(120));
          controller.close();
        },
      });
      const streamed = await fetch(`${base}/patient`, { method: 'POST', headers: { 'ocp-apim-subscription-key': subscriptionKey }, body: chunks, duplex: 'half' });
      assert.equal(streamed.status, 413);
      assert.equal(received.length, 0);
    });

    it('answers 429 with Retry-After once a subscription used its calls, and counts each key apart', async () => {
      const small = gatewayTo(backendUrl, ['first-key-aaaaaaaaaaaa', 'second-key-bbbbbbbbbbb'], { callsPerWindow: 3 });
      const url = await listenOnFreePort(small);
      try {
        const call = (key: string) => fetch(`${url}/patient`, { headers: { 'ocp-apim-subscription-key': key } });
        for (let index = 0; index < 3; index++) assert.equal((await call('first-key-aaaaaaaaaaaa')).status, 201);
        const limited = await call('first-key-aaaaaaaaaaaa');
        assert.equal(limited.status, 429);
        assert.ok(Number(limited.headers.get('retry-after')) > 0);
        assert.equal(((await limited.json()) as { type: string }).type, 'urn:patient-tests:problem:too-many-requests');
        assert.equal((await call('second-key-bbbbbbbbbbb')).status, 201);
        assert.equal(received.length, 4, 'the limited call never reached the backend');
      } finally {
        await closeServer(small);
      }
    });

    it('answers 502 when the backend breaks the connection without an answer', async () => {
      const rude = createServer((req) => { req.socket.destroy(); });
      const rudeUrl = await listenOnFreePort(rude);
      const gatewayToRude = gatewayTo(rudeUrl, [subscriptionKey]);
      const url = await listenOnFreePort(gatewayToRude);
      try {
        const response = await fetch(`${url}/patient`, { headers: { 'ocp-apim-subscription-key': subscriptionKey } });
        assert.equal(response.status, 502);
        assert.equal(((await response.json()) as { type: string }).type, 'urn:patient-tests:problem:bad-gateway');
      } finally {
        await closeServer(gatewayToRude);
        await closeServer(rude);
      }
    });

    it('answers 504 when the backend does not answer within the forward timeout', async () => {
      const silent = createServer(() => { /* never answers */ });
      const silentUrl = await listenOnFreePort(silent);
      const impatient = gatewayTo(silentUrl, [subscriptionKey], { backendTimeoutMs: 200 });
      const url = await listenOnFreePort(impatient);
      try {
        const response = await fetch(`${url}/patient`, { headers: { 'ocp-apim-subscription-key': subscriptionKey } });
        assert.equal(response.status, 504);
        assert.equal(((await response.json()) as { type: string }).type, 'urn:patient-tests:problem:gateway-timeout');
      } finally {
        await closeServer(impatient);
        await closeServer(silent);
      }
    });
  });
});

describe('operation names (the request span, as APIM analytics name it)', () => {
  it('match the operation whatever the case of its literals, as the API path matches', () => {
    const api = { path: 'patient', backendUrl: 'http://127.0.0.1:1/api/patient', operations: ['/{patientId}/tests'] };
    const nameOf = operationNamer([api]);
    assert.equal(nameOf(api, '/PATIENT/AbC/Tests'), '/patient/{patientId}/tests');
    assert.equal(nameOf(api, '/patient/AbC/other'), '/patient/*');
  });
});
