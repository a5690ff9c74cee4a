import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { MissingCallerError, rememberVerifiedCaller, type VerifiedCaller } from '@patient-tests/shared/auth';
import { ForbiddenError } from '@patient-tests/shared/errors';
import { actorIdOf, maxActorIdLength } from '../../src/domain/audit-trail';
import { CallerIdentity, UnidentifiedCallError } from '../../src/handlers/caller-identity';

const gateway = 'c1fd1207-a256-4695-b58e-ecc14530f6d1';
const operator = '6eaeb0ac-199c-4753-a5cc-b1c44d89ec67';
const callers = new CallerIdentity([gateway]);
const context = new InvocationContext({ traceContext: { traceParent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });

const verified = (objectId: string): VerifiedCaller => ({ objectId, clientId: undefined, roles: ['PatientTests.ReadWrite'], groups: [] });

/** A request the access guard let through, as the caller with this object id. */
function request(objectId: string, headers: Record<string, string> = {}): HttpRequest {
  const built = new HttpRequest({ method: 'GET', url: 'http://127.0.0.1/api/patient/1', headers });
  rememberVerifiedCaller(built, verified(objectId));
  return built;
}

const callerHeaders = {
  'x-caller-subscription-id': 'first-client',
  'x-caller-subscription-name': 'First client',
  'x-caller-product-id': 'patient-tests-clients',
  'x-caller-address': '203.0.113.7',
};

describe('CallerIdentity: who is calling', () => {
  it('names the subscription the gateway states, on a request with the gateway\'s token', () => {
    const scope = callers.identify(request(gateway, callerHeaders), context);
    assert.deepEqual(scope.actor, { kind: 'apim-subscription', subscriptionId: 'first-client', subscriptionName: 'First client', productId: 'patient-tests-clients', clientAddress: '203.0.113.7' });
    assert.equal(actorIdOf(scope.actor), 'apim-subscription/first-client');
    assert.equal(scope.traceParent, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  });

  it('gives the use case a log that writes through the invocation, under the operation id', () => {
    const logged: unknown[][] = [];
    const invocation = new InvocationContext({
      traceContext: { traceParent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      logHandler: (level, ...args) => { logged.push([level, ...args]); },
    });
    callers.identify(request(gateway, callerHeaders), invocation).log.warn('stored, but not yet published for search', { patientId: 'p-1' });
    assert.deepEqual(logged, [['warning', 'stored, but not yet published for search', { operationId: '4bf92f3577b34da6a3ce929d0e0e4736', patientId: 'p-1' }]]);
  });

  it('decodes the display name the policy sends percent-encoded (UTF-8), and takes a value that is not percent-encoding as it came', () => {
    const named = (name: string) => callers.identify(request(gateway, { 'x-caller-subscription-id': 'first-client', 'x-caller-subscription-name': name }), context).actor;
    assert.deepEqual(named(encodeURIComponent('Zürich Ärzte 東京 (100%)')), { kind: 'apim-subscription', subscriptionId: 'first-client', subscriptionName: 'Zürich Ärzte 東京 (100%)', productId: undefined, clientAddress: undefined });
    assert.equal((named('100%') as { subscriptionName?: string }).subscriptionName, '100%');
  });

  it('keeps every actor id within the Audit API\'s limit: a subscription id too long for it is recorded by its SHA-256', () => {
    const longest = 'a'.repeat(maxActorIdLength - 'apim-subscription/'.length);
    assert.equal(actorIdOf({ kind: 'apim-subscription', subscriptionId: longest }), `apim-subscription/${longest}`);
    const tooLong = `${longest}b`;
    const id = actorIdOf({ kind: 'apim-subscription', subscriptionId: tooLong });
    assert.equal(id, `apim-subscription/sha256:${createHash('sha256').update(tooLong).digest('hex')}`);
    assert.ok(id.length <= maxActorIdLength);
    assert.notEqual(actorIdOf({ kind: 'apim-subscription', subscriptionId: `${longest}c` }), id);
  });

  it('reads an empty product (a subscription without one) as absent', () => {
    const { actor } = callers.identify(request(gateway, { 'x-caller-subscription-id': 'all-apis', 'x-caller-product-id': '' }), context);
    assert.deepEqual(actor, { kind: 'apim-subscription', subscriptionId: 'all-apis', subscriptionName: undefined, productId: undefined, clientAddress: undefined });
  });

  it('records any other caller as itself, by its object id, one actor (and idempotency scope) per identity', () => {
    const { actor } = callers.identify(request(operator), context);
    assert.deepEqual(actor, { kind: 'entra-principal', objectId: operator });
    assert.equal(actorIdOf(actor), `entra-principal/${operator}`);
    assert.notEqual(actorIdOf(callers.identify(request('9fb69dd6-d05c-43b3-b1e0-7efa9c60badd'), context).actor), actorIdOf(actor));
  });

  it('refuses (403) a caller other than the gateway that names a caller, whatever the header\'s spelling', () => {
    const namings: Record<string, string>[] = [callerHeaders, { 'x-caller-subscription-id': 'first-client' }, { 'x-caller-address': '' }, { 'X-Caller-Anything': 'x' }];
    for (const names of namings) {
      assert.throws(() => callers.identify(request(operator, names), context), (error: unknown) =>
        error instanceof ForbiddenError && error.diagnostic === 'caller headers from an identity other than the gateway');
    }
  });

  it('refuses a request with the gateway\'s token that names no subscription (its policy did not run)', () => {
    assert.throws(() => callers.identify(request(gateway), context), UnidentifiedCallError);
    assert.throws(() => callers.identify(request(gateway, { 'x-caller-subscription-id': ' ' }), context), UnidentifiedCallError);
  });

  it('knows no caller of a request the access guard did not let through: that request is nobody\'s', () => {
    const unchecked = new HttpRequest({ method: 'GET', url: 'http://127.0.0.1/api/patient/1', headers: callerHeaders });
    assert.throws(() => callers.identify(unchecked, context), MissingCallerError);
  });
});
