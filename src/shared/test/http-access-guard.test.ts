import assert from 'node:assert/strict';
import { HttpRequest, InvocationContext, PreInvocationContext, type HttpResponseInit } from '@azure/functions';
import { AccessRules, AccessTokenVerifier, HttpAccessGuard, IssuerKeys, verifiedCallerOf } from '../src/auth';
import type { HttpFunctionDefinition } from '../src/functions';
import { healthCheck } from '../src/functions';
import { aSigningKey, aToken, callerId, config, entraClaims, type TestKey } from './fixtures/test-issuer';

const ran: string[] = [];
const handler = (name: string) => (request: HttpRequest) => {
  ran.push(name);
  return Promise.resolve({ status: 200, jsonBody: { caller: verifiedCallerOf(request).objectId } });
};
const definitions: HttpFunctionDefinition[] = [
  { name: 'write', methods: ['POST'], route: 'things', access: { role: 'Things.Write' }, handler: handler('write') },
  { name: 'read', methods: ['GET'], route: 'things', access: { role: 'Things.Read' }, handler: handler('read') },
  healthCheck,
];

describe('HttpAccessGuard: every invocation checked before its handler, rejecting by default', () => {
  let key: TestKey;
  let guard: HttpAccessGuard;
  let hook: (context: PreInvocationContext) => void;

  before(async () => {
    key = await aSigningKey('key-1');
    const keys = new IssuerKeys(config.jwksUri, undefined, () => Promise.resolve({ keys: [key.publicJwk] }));
    guard = new HttpAccessGuard(new AccessTokenVerifier(config, keys), new AccessRules({ 'Things.Write': [callerId], 'Things.Read': [] }));
    hook = guard.preInvocation(definitions);
  });
  beforeEach(() => { ran.length = 0; });

  /** One invocation as the worker runs it: the hook first, then whatever handler it left in place. */
  async function invoke(functionName: string, headers: Record<string, string>, triggerType = 'httpTrigger'): Promise<HttpResponseInit> {
    const scheduled = () => { ran.push(functionName); return Promise.resolve({ status: 204 }); };
    const original = definitions.find((definition) => definition.name === functionName)?.handler ?? (triggerType === 'timerTrigger' ? scheduled : handler(functionName));
    const invocationContext = new InvocationContext({ functionName, options: { trigger: { type: triggerType, name: 'request' } } });
    const request = new HttpRequest({ method: 'GET', url: 'http://127.0.0.1/api/things', headers });
    const context = new PreInvocationContext({ invocationContext, functionCallback: original, inputs: [request] });
    hook(context);
    return (await context.functionHandler(request, invocationContext)) as HttpResponseInit;
  }

  it('runs the handler for a caller the function\'s role allows, which then knows who called', async () => {
    const answer = await invoke('write', { authorization: `Bearer ${await aToken(key, entraClaims({ roles: ['Things.Write'] }))}` });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.jsonBody, { caller: callerId });
    assert.deepEqual(ran, ['write']);
  });

  it('answers 401 with a bearer challenge and a problem document, and runs nothing, without a valid token', async () => {
    for (const headers of [{}, { authorization: 'Bearer x.y.z' }] as Record<string, string>[]) {
      const answer = await invoke('write', headers);
      assert.equal(answer.status, 401);
      assert.match(String((answer.headers as Record<string, string>)['www-authenticate']), /^Bearer/);
      assert.equal((JSON.parse(answer.body as string) as { type: string }).type, 'urn:patient-tests:problem:unauthorized');
    }
    assert.deepEqual(ran, []);
  });

  it('answers 403 to a valid token of a caller the role does not allow, and runs nothing', async () => {
    assert.equal((await invoke('read', { authorization: `Bearer ${await aToken(key, entraClaims({ roles: ['Things.Read'] }))}` })).status, 403);
    assert.equal((await invoke('write', { authorization: `Bearer ${await aToken(key, entraClaims({ roles: ['Things.Read'] }))}` })).status, 403);
    assert.deepEqual(ran, []);
  });

  it('refuses a function that is not in the table, whatever the token', async () => {
    const answer = await invoke('added-without-an-entry', { authorization: `Bearer ${await aToken(key, entraClaims({ roles: ['Things.Write'] }))}` });
    assert.equal(answer.status, 403);
    assert.deepEqual(ran, []);
  });

  it('leaves alone the functions the table marks anonymous (the health check), and scheduled triggers, which have no caller', async () => {
    assert.equal((await invoke('health', {})).status, 200);
    assert.equal((await invoke('nightly', {}, 'timerTrigger')).status, 204);
    assert.deepEqual(ran, ['nightly']);
  });

  it('guards a trigger type it does not know as a call', async () => {
    assert.equal((await invoke('write', {}, 'someNewTrigger')).status, 401);
    assert.equal((await invoke('write', {}, 'unknown')).status, 401);
  });

  it('refuses at start-up a table whose function needs a role nobody is named for', () => {
    assert.throws(
      () => guard.preInvocation([{ name: 'delete', methods: ['DELETE'], route: 'things', access: { role: 'Things.Delete' }, handler: handler('delete') }]),
      /no access rule for the role of: delete/,
    );
  });
});
