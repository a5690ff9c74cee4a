import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patientApiPolicyFile, readApiPolicy, type ApiPolicy } from '../src/gateway/api-policy';
import { createGateway } from '../src/gateway/gateway';
import { PolicyValue, clientAddressOf, escapeDataString } from '../src/gateway/policy-values';
import { RateLimiter } from '../src/gateway/rate-limiter';
import { applyRequestTransforms } from '../src/gateway/request-transforms';
import { localApis, localIdentities } from '../src/identity/local-directory';
import { patientApiNamedValues } from '../src/stack/publish-patient-api';
import { repositoryRoot } from '../src/stack/repository-root';
import { startStackIdentity, type StackIdentity } from '../src/stack/stack-identity';
import { closeServer, listenOnFreePort } from './fixtures/http-server';

const policyFile = patientApiPolicyFile(repositoryRoot());
const realPolicy = readFileSync(policyFile, 'utf8');

/** Runs `check` with a copy of the real policy changed by `edit`. */
function withPolicy<T>(edit: (xml: string) => string, check: (file: string) => T): T {
  const folder = mkdtempSync(join(tmpdir(), 'policy-'));
  try {
    const file = join(folder, 'policy.xml');
    const edited = edit(realPolicy);
    assert.notEqual(edited, realPolicy, 'the edit changed nothing');
    writeFileSync(file, edited);
    return check(file);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The gateway's identity service: API Management's managed identity and the key its tokens are signed with. */
let identity: StackIdentity;
let identityFolder: string;

/** What a backend behind the local gateway receives for one call made with the given subscription key. */
async function forwardedThrough(policy: ApiPolicy, path: string, headers: Record<string, string>): Promise<{ url: string; headers: IncomingHttpHeaders }> {
  let received: { url: string; headers: IncomingHttpHeaders } | undefined;
  const backend = createServer((req, res) => {
    received = { url: req.url ?? '', headers: req.headers };
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  const backendUrl = await listenOnFreePort(backend);
  const gateway = createGateway({
    subscriptions: [
      { id: 'first-client', name: 'First client, Zürich 東京 (1)', productId: 'patient-tests-clients', key: 'first-client-key-0123456789' },
      { id: 'all-apis', name: 'All APIs', key: 'all-apis-key-0123456789' },
    ],
    apis: [{ path: 'patient', backendUrl: `${backendUrl}/api/patient` }],
    policy,
    namedValues: patientApiNamedValues,
    managedIdentity: identity.gateway,
  });
  const gatewayUrl = await listenOnFreePort(gateway);
  try {
    const response = await fetch(`${gatewayUrl}${path}`, { headers });
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    assert.ok(received, 'the backend was not called');
    return received;
  } finally {
    await closeServer(gateway);
    await closeServer(backend);
  }
}

describe('APIM policy applied by the local gateway', () => {
  before(async () => {
    identityFolder = mkdtempSync(join(tmpdir(), 'policy-identity-'));
    identity = await startStackIdentity({ root: repositoryRoot(), stateDirectory: identityFolder, port: 0 });
  });
  after(async () => {
    await identity.service.stop();
    rmSync(identityFolder, { recursive: true, force: true });
  });

  it('takes its limits from the policy file API Management gets', () => {
    assert.deepEqual(readApiPolicy(policyFile).limits, {
      callsPerWindow: 6000,
      windowSeconds: 60,
      maxBodyBytes: 32768,
      backendTimeoutMs: 30_000,
    });
  });

  it('deletes the caller\'s subscription key (header and query), any function key and Authorization it sent, as the policy says', async () => {
    const forwarded = await forwardedThrough(readApiPolicy(policyFile), '/patient/42?subscription-key=first-client-key-0123456789&code=guessed&x=1', {
      'ocp-apim-subscription-key': 'first-client-key-0123456789',
      'x-functions-key': 'client-chosen-key',
      authorization: 'Bearer a-token-the-client-chose',
    });
    assert.equal(forwarded.url, '/api/patient/42?x=1');
    assert.equal(forwarded.headers['ocp-apim-subscription-key'], undefined);
    assert.equal(forwarded.headers['x-functions-key'], undefined);
    assert.ok(!JSON.stringify(forwarded).includes('first-client-key-0123456789'), 'the subscription key reached the backend');
    assert.ok(!JSON.stringify(forwarded).includes('a-token-the-client-chose'), 'the client\'s Authorization reached the backend');
  });

  it('calls the backend with a token of API Management\'s identity for the PatientTests API (authentication-managed-identity)', async () => {
    const forwarded = await forwardedThrough(readApiPolicy(policyFile), '/patient/42', { 'ocp-apim-subscription-key': 'first-client-key-0123456789' });
    const token = /^Bearer (.+)$/.exec(forwarded.headers.authorization ?? '')?.[1];
    assert.ok(token !== undefined, 'no bearer token reached the backend');
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    assert.equal(claims.aud, localApis.patient_tests.clientId);
    assert.equal(claims.oid, localIdentities.apiManagement.objectId);
    assert.equal(claims.iss, identity.service.issuer);
    assert.deepEqual(claims.roles, ['PatientTests.ReadWrite']);
  });

  it('tells the backend who is calling, from the subscription, whatever caller headers the client sent', async () => {
    const forwarded = await forwardedThrough(readApiPolicy(policyFile), '/patient/42', {
      'ocp-apim-subscription-key': 'first-client-key-0123456789',
      'x-caller-subscription-id': 'someone-else',
      'x-caller-subscription-name': 'Someone else',
      'x-caller-product-id': 'admin-product',
      'x-caller-address': '198.51.100.1',
    });
    assert.equal(forwarded.headers['x-caller-subscription-id'], 'first-client');
    // The display name as .NET's Uri.EscapeDataString writes it: UTF-8, every byte outside A-Z a-z 0-9 - . _ ~ escaped.
    assert.equal(forwarded.headers['x-caller-subscription-name'], 'First%20client%2C%20Z%C3%BCrich%20%E6%9D%B1%E4%BA%AC%20%281%29');
    assert.equal(decodeURIComponent(forwarded.headers['x-caller-subscription-name'] ?? ''), 'First client, Zürich 東京 (1)');
    assert.equal(forwarded.headers['x-caller-product-id'], 'patient-tests-clients');
    assert.equal(forwarded.headers['x-caller-address'], '127.0.0.1', 'plain IPv4, as API Management gives it');
  });

  it('leaves no client value in the product header of a subscription without a product', async () => {
    const forwarded = await forwardedThrough(readApiPolicy(policyFile), '/patient/42', {
      'ocp-apim-subscription-key': 'all-apis-key-0123456789',
      'x-caller-product-id': 'admin-product',
    });
    assert.equal(forwarded.headers['x-caller-subscription-id'], 'all-apis');
    assert.ok(!forwarded.headers['x-caller-product-id'], 'no product');
  });

  it('follows the file, not code of its own: without the delete, the key is forwarded, as APIM would forward it', async () => {
    const withoutDelete = withPolicy((xml) => xml.replace(/<set-header name="Ocp-Apim-Subscription-Key" exists-action="delete" \/>/, ''), readApiPolicy);
    const forwarded = await forwardedThrough(withoutDelete, '/patient/42', { 'ocp-apim-subscription-key': 'first-client-key-0123456789' });
    assert.equal(forwarded.headers['ocp-apim-subscription-key'], 'first-client-key-0123456789');
  });

  it('follows the file for the token too: without authentication-managed-identity, no token is sent', async () => {
    const withoutToken = withPolicy((xml) => xml.replace(/<authentication-managed-identity [^>]*\/>/, ''), readApiPolicy);
    const forwarded = await forwardedThrough(withoutToken, '/patient/42', { 'ocp-apim-subscription-key': 'first-client-key-0123456789' });
    assert.equal(forwarded.headers.authorization, undefined);
  });

  it('answers 503 with Retry-After, and calls no backend, when it cannot get its token', async () => {
    let called = false;
    const backend = createServer((_req, res) => { called = true; res.writeHead(200).end(); });
    const backendUrl = await listenOnFreePort(backend);
    const gateway = createGateway({
      subscriptions: [{ id: 'first-client', name: 'First client', key: 'first-client-key-0123456789' }],
      apis: [{ path: 'patient', backendUrl: `${backendUrl}/api/patient` }],
      policy: readApiPolicy(policyFile),
      namedValues: patientApiNamedValues,
      managedIdentity: { endpoint: identity.gateway.endpoint, header: 'not-the-gateway-header' },
    });
    const gatewayUrl = await listenOnFreePort(gateway);
    try {
      const response = await fetch(`${gatewayUrl}/patient/42`, { headers: { 'ocp-apim-subscription-key': 'first-client-key-0123456789' } });
      assert.equal(response.status, 503);
      assert.ok(Number(response.headers.get('retry-after')) > 0);
      assert.equal(((await response.json()) as { type: string }).type, 'urn:patient-tests:problem:service-unavailable');
      assert.equal(called, false);
    } finally {
      await closeServer(gateway);
      await closeServer(backend);
    }
  });

  it('fails loudly when the policy lacks a limit', () => {
    withPolicy((xml) => xml.replace(/<validate-content [^>]*\/>/, ''), (file) => {
      assert.throws(() => readApiPolicy(file));
    });
  });

  it('refuses a policy element it does not apply, rather than ignoring it', () => {
    withPolicy((xml) => xml.replace('<base />', '<base />\n    <ip-filter action="allow"><address>10.0.0.1</address></ip-filter>'), (file) => {
      assert.throws(() => readApiPolicy(file), /<ip-filter> in <inbound> is not applied by the local gateway/);
    });
  });

  it('refuses an attribute it does not apply on any element, naming the element and the attribute', () => {
    const unknown: [string, string, RegExp][] = [
      ['renewal-period="60"', 'renewal-period="60" increment-condition="@(context.Response.StatusCode == 200)"', /<rate-limit-by-key> has increment-condition, which the local gateway does not apply/],
      ['max-size="32768"', 'max-size="32768" max-size-bytes="1"', /<validate-content> has max-size-bytes/],
      ['size-exceeded-action="prevent"', 'size-exceeded-action="detect"', /<validate-content> size-exceeded-action/],
      ['<set-header name="Ocp-Apim-Subscription-Key" exists-action="delete" />', '<set-header name="Ocp-Apim-Subscription-Key" exists-action="delete" ignore-case="true" />', /<set-header> has ignore-case/],
      [/<forward-request timeout="(\d+)"/.exec(realPolicy)?.[0] ?? '<forward-request', '$& follow-redirects="true"', /<forward-request> has follow-redirects/],
    ];
    for (const [from, to, refusal] of unknown) {
      withPolicy((xml) => xml.replace(from, to), (file) => {
        assert.throws(() => readApiPolicy(file), refusal);
      });
    }
  });

  it('answers with the rate-limit headers the policy names: calls left on every answer, and its Retry-After name', async () => {
    const policy = withPolicy((xml) => xml.replace('calls="6000"', 'calls="2"'), readApiPolicy);
    assert.deepEqual(policy.rateLimitHeaders, { retryAfter: 'retry-after', remainingCalls: 'x-ratelimit-remaining', totalCalls: undefined });
    const backend = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end('{}'); });
    const backendUrl = await listenOnFreePort(backend);
    const gateway = createGateway({
      subscriptions: [{ id: 'first-client', name: 'First client', key: 'first-client-key-0123456789' }],
      apis: [{ path: 'patient', backendUrl: `${backendUrl}/api/patient` }],
      policy,
      namedValues: patientApiNamedValues,
      managedIdentity: identity.gateway,
    });
    const gatewayUrl = await listenOnFreePort(gateway);
    try {
      const answers = [];
      for (let call = 0; call < 3; call++) {
        const response = await fetch(`${gatewayUrl}/patient/42`, { headers: { 'ocp-apim-subscription-key': 'first-client-key-0123456789' } });
        await response.arrayBuffer();
        answers.push({ status: response.status, remaining: response.headers.get('x-ratelimit-remaining'), retryAfter: response.headers.get('retry-after') !== null });
      }
      assert.deepEqual(answers, [
        { status: 200, remaining: '1', retryAfter: false },
        { status: 200, remaining: '0', retryAfter: false },
        { status: 429, remaining: '0', retryAfter: true },
      ]);
    } finally {
      await closeServer(gateway);
      await closeServer(backend);
    }
  });

  it('refuses a policy expression it cannot evaluate', () => {
    withPolicy((xml) => xml.replace('@(context.Request.IpAddress)', '@(context.Request.Headers.GetValueOrDefault("x-secret"))'), (file) => {
      assert.throws(() => readApiPolicy(file), /cannot evaluate the policy expression/);
    });
  });

  it('refuses authentication-managed-identity with an attribute it does not apply, before a header step, or with an expression', () => {
    withPolicy((xml) => xml.replace('<authentication-managed-identity ', '<authentication-managed-identity ignore-error="true" '), (file) => {
      assert.throws(() => readApiPolicy(file), /ignore-error/);
    });
    withPolicy((xml) => xml.replace(/(<authentication-managed-identity [^>]*\/>)/, '').replace('<set-header name="Authorization" exists-action="delete" />', '$&\n    <authentication-managed-identity resource="{{patient-tests-api-application-id}}" />'), (file) => {
      assert.throws(() => readApiPolicy(file), /must follow every set-header and set-query-parameter/);
    });
    withPolicy((xml) => xml.replace('resource="{{patient-tests-api-application-id}}"', 'resource="@(context.Subscription.Id)"'), (file) => {
      assert.throws(() => createGateway({ subscriptions: [], apis: [], policy: readApiPolicy(file), namedValues: patientApiNamedValues, managedIdentity: identity.gateway }), /must not be a policy expression/);
    });
  });

  it('refuses to start a gateway without a named value the policy uses, or without the identity it authenticates with', () => {
    assert.throws(
      () => createGateway({ subscriptions: [], apis: [], policy: readApiPolicy(policyFile), namedValues: {} }),
      /named values the gateway was not given: patient-tests-api-application-id, gateway-identity-client-id/,
    );
    assert.throws(
      () => createGateway({ subscriptions: [], apis: [], policy: readApiPolicy(policyFile), namedValues: patientApiNamedValues }),
      /the gateway was given none/,
    );
  });
});

describe('request transforms', () => {
  const context = { subscription: { id: 'sub-1', name: 'First' }, request: { ipAddress: '127.0.0.1', originalPath: '/patient' } };
  const step = (action: 'override' | 'skip' | 'append' | 'delete', value?: string) => ({
    target: 'header' as const,
    name: 'x-example',
    action,
    values: value === undefined ? [] : [PolicyValue.parse(value)],
  });

  it('override replaces, skip keeps, append adds, delete removes, with APIM\'s meanings', () => {
    const apply = (action: 'override' | 'skip' | 'append' | 'delete', value?: string) => {
      const request = { headers: new Map<string, string | string[]>([['x-example', 'client']]), query: new URLSearchParams() };
      applyRequestTransforms([step(action, value)], request, context, {});
      return request.headers.get('x-example');
    };
    assert.equal(apply('override', 'policy'), 'policy');
    assert.equal(apply('skip', 'policy'), 'client');
    assert.equal(apply('append', 'policy'), 'client,policy');
    assert.equal(apply('delete'), undefined);
  });

  it('evaluates the subscription expression and named values', () => {
    const request = { headers: new Map<string, string | string[]>(), query: new URLSearchParams() };
    applyRequestTransforms([step('override', '@(context.Subscription.Id)')], request, context, {});
    assert.equal(request.headers.get('x-example'), 'sub-1');
    applyRequestTransforms([step('override', 'key={{k}}')], request, context, { k: 'v' });
    assert.equal(request.headers.get('x-example'), 'key=v');
  });
});

describe('policy expression helpers', () => {
  it('escape as .NET\'s Uri.EscapeDataString does: only RFC 3986 unreserved characters stay', () => {
    assert.equal(escapeDataString("A-z_0.9~ !'()*/%é"), "A-z_0.9~%20%21%27%28%29%2A%2F%25%C3%A9");
  });

  it('give an IPv4 client as plain IPv4, as API Management does, and leave IPv6 alone', () => {
    assert.equal(clientAddressOf('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(clientAddressOf('::FFFF:203.0.113.7'), '203.0.113.7');
    assert.equal(clientAddressOf('127.0.0.1'), '127.0.0.1');
    assert.equal(clientAddressOf('::1'), '::1');
    assert.equal(clientAddressOf('2001:db8::ffff:1.2.3.4'), '2001:db8::ffff:1.2.3.4');
    assert.equal(clientAddressOf(undefined), '');
  });
});

describe('RateLimiter', () => {
  it('allows the calls of a window per key, then says how long to wait, and starts afresh', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 60_000, () => now);
    assert.deepEqual(limiter.take('a'), { retryAfterSeconds: 0, remaining: 1 });
    assert.deepEqual(limiter.take('a'), { retryAfterSeconds: 0, remaining: 0 });
    assert.deepEqual(limiter.take('b'), { retryAfterSeconds: 0, remaining: 1 }, 'keys are counted apart');
    now = 15_000;
    assert.deepEqual(limiter.take('a'), { retryAfterSeconds: 45, remaining: 0 });
    now = 60_000;
    assert.deepEqual(limiter.take('a'), { retryAfterSeconds: 0, remaining: 1 });
  });
});
