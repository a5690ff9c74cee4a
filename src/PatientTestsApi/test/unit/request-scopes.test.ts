import assert from 'node:assert/strict';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { RequestScopes, UnidentifiedGatewayCallError } from '../../src/handlers/request-scopes';

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

describe('RequestScopes: who is calling', () => {
  it('names the subscription the gateway states, on a request with the gateway\'s key', () => {
    assert.deepEqual(scopes.of(request({ 'x-functions-key': gatewayKey, ...callerHeaders }), context), {
      actor: { kind: 'subscription', subscriptionId: 'first-client', subscriptionName: 'First client', productId: 'patient-tests-clients', clientAddress: '203.0.113.7' },
      traceParent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
  });

  it('reads an empty product (a subscription without one) as absent', () => {
    const { actor } = scopes.of(request({ 'x-functions-key': gatewayKey, 'x-caller-subscription-id': 'all-apis', 'x-caller-product-id': '' }), context);
    assert.deepEqual(actor, { kind: 'subscription', subscriptionId: 'all-apis', subscriptionName: undefined, productId: undefined, clientAddress: undefined });
  });

  it('ignores the caller headers of a request with any other key: a direct call', () => {
    const presentations: { headers: Record<string, string>; query: string }[] = [
      { headers: { 'x-functions-key': 'another-valid-key' }, query: '' },
      { headers: {}, query: '?code=another-valid-key' },
      { headers: { 'x-functions-key': `${gatewayKey}x` }, query: '' },
    ];
    for (const presented of presentations) {
      assert.deepEqual(scopes.of(request({ ...presented.headers, ...callerHeaders }, presented.query), context).actor, { kind: 'direct' });
    }
  });

  it('accepts the gateway\'s key as the code parameter too, as the Functions host does', () => {
    assert.equal(scopes.of(request(callerHeaders, `?code=${gatewayKey}`), context).actor.kind, 'subscription');
  });

  it('refuses a request with the gateway\'s key that names no subscription', () => {
    assert.throws(() => scopes.of(request({ 'x-functions-key': gatewayKey }), context), UnidentifiedGatewayCallError);
    assert.throws(() => scopes.of(request({ 'x-functions-key': gatewayKey, 'x-caller-subscription-id': ' ' }), context), UnidentifiedGatewayCallError);
  });
});
