import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { ServiceUnavailableError } from '@patient-tests/shared/errors';
import { actorIdOf, maxActorIdLength } from '../../src/domain/audit-trail';
import { RequestScopes, UnidentifiedCallError } from '../../src/handlers/request-scopes';

const gatewayKey = 'the-gateway-key';
const scopes = new RequestScopes(gatewayKey);
const context = new InvocationContext({ traceContext: { traceParent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });

function request(headers: Record<string, string>, query = ''): HttpRequest {
  return new HttpRequest({ method: 'GET', url: `http://127.0.0.1/api/patient/1${query}`, headers });
}

const callerHeaders = {
  'x-caller-subscription-id': 'first-client',
  'x-caller-subscription-name': 'First client',
  'x-caller-product-id': 'patient-tests-clients',
  'x-caller-address': '203.0.113.7',
};

const fingerprintOf = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16);

describe('RequestScopes: who is calling', () => {
  it('names the subscription the gateway states, on a request with the gateway\'s key', () => {
    const scope = scopes.of(request({ 'x-functions-key': gatewayKey, ...callerHeaders }), context);
    assert.deepEqual(scope.actor, { kind: 'subscription', subscriptionId: 'first-client', subscriptionName: 'First client', productId: 'patient-tests-clients', clientAddress: '203.0.113.7' });
    assert.equal(scope.traceParent, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  });

  it('gives the use case a log that writes through the invocation, under the operation id', () => {
    const logged: unknown[][] = [];
    const invocation = new InvocationContext({
      traceContext: { traceParent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      logHandler: (level, ...args) => { logged.push([level, ...args]); },
    });
    scopes.of(request({ 'x-functions-key': gatewayKey, ...callerHeaders }), invocation).log.warn('stored, but not yet published for search', { patientId: 'p-1' });
    assert.deepEqual(logged, [['warning', 'stored, but not yet published for search', { operationId: '4bf92f3577b34da6a3ce929d0e0e4736', patientId: 'p-1' }]]);
  });

  it('decodes the display name the policy sends percent-encoded (UTF-8), and takes a value that is not percent-encoding as it came', () => {
    const named = (name: string) => scopes.of(request({ 'x-functions-key': gatewayKey, 'x-caller-subscription-id': 'first-client', 'x-caller-subscription-name': name }), context).actor;
    assert.deepEqual(named(encodeURIComponent('Zürich Ärzte 東京 (100%)')), { kind: 'subscription', subscriptionId: 'first-client', subscriptionName: 'Zürich Ärzte 東京 (100%)', productId: undefined, clientAddress: undefined });
    assert.equal((named('100%') as { subscriptionName?: string }).subscriptionName, '100%');
  });

  it('keeps every actor id within the Audit API\'s limit: a subscription id too long for it is recorded by its SHA-256', () => {
    const longest = 'a'.repeat(maxActorIdLength - 'apim-subscription/'.length);
    assert.equal(actorIdOf({ kind: 'subscription', subscriptionId: longest }), `apim-subscription/${longest}`);
    const tooLong = `${longest}b`;
    const id = actorIdOf({ kind: 'subscription', subscriptionId: tooLong });
    assert.equal(id, `apim-subscription/sha256:${createHash('sha256').update(tooLong).digest('hex')}`);
    assert.ok(id.length <= maxActorIdLength);
    assert.notEqual(actorIdOf({ kind: 'subscription', subscriptionId: `${longest}c` }), id);
  });

  it('reads an empty product (a subscription without one) as absent', () => {
    const { actor } = scopes.of(request({ 'x-functions-key': gatewayKey, 'x-caller-subscription-id': 'all-apis', 'x-caller-product-id': '' }), context);
    assert.deepEqual(actor, { kind: 'subscription', subscriptionId: 'all-apis', subscriptionName: undefined, productId: undefined, clientAddress: undefined });
  });

  it('records a request with any other key as a direct call of that key\'s holder, by a fingerprint, never the key', () => {
    const presentations: { headers: Record<string, string>; query: string; key: string }[] = [
      { headers: { 'x-functions-key': 'another-valid-key' }, query: '', key: 'another-valid-key' },
      { headers: {}, query: '?code=another-valid-key', key: 'another-valid-key' },
      { headers: { 'x-functions-key': `${gatewayKey}x` }, query: '', key: `${gatewayKey}x` },
    ];
    for (const presented of presentations) {
      const { actor } = scopes.of(request(presented.headers, presented.query), context);
      assert.deepEqual(actor, { kind: 'direct', keyFingerprint: fingerprintOf(presented.key) });
      assert.equal(actorIdOf(actor), `direct-function-key/${fingerprintOf(presented.key)}`);
      assert.ok(!JSON.stringify(actor).includes(presented.key));
    }
  });

  it('gives holders of different direct keys different actors, so they never share an idempotency scope', () => {
    const first = actorIdOf(scopes.of(request({ 'x-functions-key': 'operator-key' }), context).actor);
    const second = actorIdOf(scopes.of(request({ 'x-functions-key': 'monitoring-key' }), context).actor);
    assert.notEqual(first, second);
    assert.equal(first, actorIdOf(scopes.of(request({}, '?code=operator-key'), context).actor), 'the same key, however presented, is one actor');
  });

  it('refuses (503, retryable) a request that names a caller without the gateway\'s key: API Management during a key rotation, or a caller pretending', () => {
    const namings: Record<string, string>[] = [callerHeaders, { 'x-caller-subscription-id': 'first-client' }, { 'x-caller-address': '' }, { 'X-Caller-Anything': 'x' }];
    for (const names of namings) {
      assert.throws(() => scopes.of(request({ 'x-functions-key': 'the-previous-gateway-key', ...names }), context), (error: unknown) =>
        error instanceof ServiceUnavailableError && error.retryAfterSeconds > 0 && error.diagnostic === 'caller headers without the gateway key');
    }
  });

  it('accepts the gateway\'s key as the code parameter too, as the Functions host does', () => {
    assert.equal(scopes.of(request(callerHeaders, `?code=${gatewayKey}`), context).actor.kind, 'subscription');
  });

  it('refuses a request with the gateway\'s key that names no subscription, and one with no key at all', () => {
    assert.throws(() => scopes.of(request({ 'x-functions-key': gatewayKey }), context), UnidentifiedCallError);
    assert.throws(() => scopes.of(request({ 'x-functions-key': gatewayKey, 'x-caller-subscription-id': ' ' }), context), UnidentifiedCallError);
    assert.throws(() => scopes.of(request({}), context), UnidentifiedCallError);
  });

  it('takes an empty x-functions-key header as the key presented, as the Functions host does (which refuses it before the app): never the code parameter', () => {
    assert.throws(() => scopes.of(request({ 'x-functions-key': '', ...callerHeaders }, `?code=${gatewayKey}`), context), UnidentifiedCallError);
  });
});
