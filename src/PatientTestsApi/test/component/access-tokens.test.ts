import assert from 'node:assert/strict';
import { join } from 'node:path';
import { localApis, localIdentities, repositoryRoot, SigningKeys, startFunctionHost, type ApiName, type FunctionHostProcess, type LocalIdentity } from '@patient-tests/local-stack';
import { aPatientBody, newTrace } from '../fixtures/builders';
import { TestStack } from '../fixtures/test-stack';

interface Problem { type: string; status: number; detail: string; operationId?: string }

const guid = '0f8fad5b-d9cb-469f-a165-70867728950e';
/** `{patientId:guid}`, `{id}`: any GUID will do for a route's values; the guard answers before they matter. */
const concrete = (route: string) => route.replace(/\{[^}]+\}/g, guid);

/** Every function a host serves (what the app registered, as the host reports it), as method and path. */
function registered(host: FunctionHostProcess): { method: string; path: string }[] {
  return host.routes.flatMap((route) => {
    const [methods = '', path = ''] = route.split(' ');
    return methods.split(',').map((method) => ({ method, path: concrete(path) }));
  });
}

/**
 * Who may call what, through the real chain (gateway → PatientTests host → Audit host → FerretDB), with the
 * tokens of the local identity service and with tokens an attacker makes. Each refusal is a problem document
 * with the right status, leaves the register and the data as they were, and echoes and logs nothing of the token.
 */
describe('access tokens between the services (the guard of both apps, on the real hosts)', function () {
  this.timeout(60_000);
  let api: TestStack;
  let stackKeys: SigningKeys;

  before(async () => {
    api = await TestStack.start();
    stackKeys = await SigningKeys.open(api.stack.status.identity.keyFile);
  });
  after(() => api.stop());

  const hostOf = (app: ApiName) => (app === 'audit' ? api.stack.audit.running : api.stack.patientTests.running);
  const token = (identity: LocalIdentity, app: ApiName) => api.tokenFor(identity, app);

  /** A token signed with the stack's own key, claims as the identity service writes them but changed by `overrides`. */
  async function forged(app: ApiName, overrides: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
    const { SignJWT } = await import('jose');
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: api.stack.identity.issuer, aud: localApis[app].clientId, tid: api.stack.identity.tenantId, ver: '2.0',
      oid: localIdentities.apiManagement.objectId, azp: localIdentities.apiManagement.clientId,
      roles: app === 'audit' ? ['AuditRecords.Append'] : ['PatientTests.ReadWrite'], iat: now, nbf: now, exp: now + 600, ...overrides,
    };
    const key = stackKeys.current;
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header }).sign(key.privateKey);
  }

  /** Creates a patient straight at the PatientTests host (or appends at the Audit host) with this Authorization. */
  async function write(app: ApiName, authorization: string | undefined, headers: Record<string, string> = {}): Promise<{ response: Response; problem: Problem; text: string; traceId: string }> {
    const { traceparent, traceId } = newTrace();
    const body = app === 'audit'
      ? { sourceSystemName: 'PatientTestsApi', actor: { id: 'entra-principal/x', kind: 'entra-principal' }, resource: { type: 'patient', id: guid, operation: 'read' } }
      : aPatientBody();
    const response = await fetch(`${hostOf(app).url}/api/${app === 'audit' ? 'auditrecord' : 'patient'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent, ...(authorization === undefined ? {} : { authorization }), ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { response, problem: JSON.parse(text) as Problem, text, traceId };
  }

  /** The refusal of one attempt: its status and problem type, nothing stored, nothing of the token said or logged. */
  async function assertRefused(app: ApiName, authorization: string | undefined, status: 401 | 403 | 503, headers: Record<string, string> = {}): Promise<void> {
    const before = await api.counts();
    const { response, problem, text, traceId } = await write(app, authorization, headers);
    assert.equal(response.status, status, `${app}: ${text}`);
    assert.equal(response.headers.get('content-type'), 'application/problem+json');
    assert.equal(problem.type, { 401: 'urn:patient-tests:problem:unauthorized', 403: 'urn:patient-tests:problem:forbidden', 503: 'urn:patient-tests:problem:service-unavailable' }[status]);
    assert.equal(problem.operationId, traceId);
    if (status === 401) assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer( error="invalid_token")?$/);
    if (status === 503) assert.ok(Number(response.headers.get('retry-after')) > 0);
    assert.deepEqual(await api.counts(), before, 'nothing audited, nothing stored');
    const secret = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    for (const part of secret?.split('.').filter((segment) => segment.length > 8) ?? []) {
      assert.ok(!text.includes(part), 'the answer echoes the token');
      assert.ok(!api.logLines.some((line) => line.includes(part)), 'a log line holds the token');
    }
  }

  describe('every function either app registers', () => {
    for (const app of ['patient_tests', 'audit'] as const) {
      it(`${app}: each refuses a request without a token (401) and a valid token of an identity with no role for it (403); only the health check is open`, async () => {
        const functions = registered(hostOf(app));
        assert.ok(functions.length >= (app === 'audit' ? 4 : 9), `${app} registered ${functions.length} functions`);
        const probe = await token(localIdentities.releaseProbe, app);
        const open: string[] = [];
        const before = await api.counts();
        for (const { method, path } of functions) {
          const anonymous = await fetch(`${hostOf(app).url}${path}`, { method });
          await anonymous.arrayBuffer();
          if (anonymous.status !== 401) {
            open.push(`${method} ${path}`);
            continue;
          }
          const withProbe = await fetch(`${hostOf(app).url}${path}`, { method, headers: { authorization: `Bearer ${probe}` } });
          assert.equal(withProbe.status, 403, `${method} ${path} with the release probe's token`);
          assert.equal(((await withProbe.json()) as Problem).type, 'urn:patient-tests:problem:forbidden');
        }
        assert.deepEqual(open, ['GET /api/health'], 'the one function open without a token');
        assert.deepEqual(await api.counts(), before);
      });
    }
  });

  describe('tokens an attacker brings', () => {
    it('no token, another scheme, a malformed header', async () => {
      await assertRefused('patient_tests', undefined, 401);
      await assertRefused('patient_tests', 'Basic YWRtaW46YWRtaW4=', 401);
      await assertRefused('patient_tests', 'Bearer', 401);
      await assertRefused('audit', 'Bearer ey.ey.ey', 401);
    });

    it('alg none', async () => {
      const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const claims = JSON.parse(Buffer.from((await forged('audit', {})).split('.')[1] ?? '', 'base64url').toString()) as unknown;
      await assertRefused('audit', `Bearer ${part({ alg: 'none', typ: 'JWT', kid: stackKeys.current.kid })}.${part(claims)}.`, 401);
    });

    it('a token signed by another key, under the stack key\'s id', async () => {
      const { SignJWT, generateKeyPair } = await import('jose');
      const { privateKey } = await generateKeyPair('RS256');
      const genuine = await forged('patient_tests', {});
      const claims = JSON.parse(Buffer.from(genuine.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
      const impostor = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: stackKeys.current.kid }).sign(privateKey);
      await assertRefused('patient_tests', `Bearer ${impostor}`, 401);
    });

    it('the right key, but another issuer, audience or tenant', async () => {
      await assertRefused('patient_tests', `Bearer ${await forged('patient_tests', { iss: `https://login.microsoftonline.com/${api.stack.identity.tenantId}/v2.0` })}`, 401);
      await assertRefused('patient_tests', `Bearer ${await forged('patient_tests', { aud: 'https://management.azure.com/' })}`, 401);
      await assertRefused('patient_tests', `Bearer ${await forged('patient_tests', { tid: '99999999-9999-4999-8999-999999999999' })}`, 401);
    });

    it('expired, and not yet valid', async () => {
      const now = Math.floor(Date.now() / 1000);
      await assertRefused('patient_tests', `Bearer ${await forged('patient_tests', { iat: now - 7200, nbf: now - 7200, exp: now - 300 })}`, 401);
      await assertRefused('audit', `Bearer ${await forged('audit', { nbf: now + 600, exp: now + 1200 })}`, 401);
    });

    it('API Management\'s valid token sent straight to the Audit API; an Audit API token replayed against PatientTests', async () => {
      // Its token is for the PatientTests API: the Audit API is another audience.
      await assertRefused('audit', `Bearer ${await token(localIdentities.apiManagement, 'patient_tests')}`, 401);
      // The right audience and key, API Management's identity, and the role of the Audit API: not an identity it allows.
      await assertRefused('audit', `Bearer ${await forged('audit', {})}`, 403);
      // What PatientTests sends the Audit API, presented back at PatientTests.
      await assertRefused('patient_tests', `Bearer ${await token(localIdentities.patientTests, 'audit')}`, 401);
    });

    it('a valid token of an identity the API does not allow, and a holder of the role it does not name', async () => {
      await assertRefused('patient_tests', `Bearer ${await token(localIdentities.releaseProbe, 'patient_tests')}`, 403);
      await assertRefused('audit', `Bearer ${await token(localIdentities.auditor, 'audit')}`, 403);
      await assertRefused('patient_tests', `Bearer ${await forged('patient_tests', { oid: localIdentities.auditor.objectId })}`, 403);
    });

    it('caller headers with a valid token of another identity than the gateway', async () => {
      await assertRefused('patient_tests', `Bearer ${await token(localIdentities.operator, 'patient_tests')}`, 403, { 'x-caller-subscription-id': 'someone-trusted' });
    });
  });

  describe('the identity service down or rolling its keys', () => {
    it('fails closed: without the issuer\'s keys a fresh host checks nothing (503), without a token PatientTests audits nothing (503)', async () => {
      // A host of its own, started now: it holds neither the issuer's keys nor a token for the Audit API yet.
      const operator = `Bearer ${await token(localIdentities.operator, 'patient_tests')}`;
      const settings = api.patientTestsHostSettings(`${api.stack.status.audit.url}/api`);
      const fresh = await startFunctionHost({ appDirectory: join(repositoryRoot(), 'src', 'PatientTestsApi'), port: 0, settings, log: () => undefined });
      try {
        const before = await api.counts();
        api.stack.identity.faults({ keys: true });
        const withoutKeys = await fetch(`${fresh.url}/api/patient`, { method: 'POST', headers: { authorization: operator, 'content-type': 'application/json' }, body: JSON.stringify(aPatientBody()) });
        assert.equal(withoutKeys.status, 503);
        assert.ok(Number(withoutKeys.headers.get('retry-after')) > 0);
        api.stack.identity.faults({ managedIdentity: true });
        const withoutToken = await fetch(`${fresh.url}/api/patient`, { method: 'POST', headers: { authorization: operator, 'content-type': 'application/json' }, body: JSON.stringify(aPatientBody()) });
        assert.equal(withoutToken.status, 503);
        assert.equal(((await withoutToken.json()) as Problem).type, 'urn:patient-tests:problem:service-unavailable');
        assert.deepEqual(await api.counts(), before, 'nothing audited, read or written');
        api.stack.identity.faults({});
        const back = await fetch(`${fresh.url}/api/patient`, { method: 'POST', headers: { authorization: operator, 'content-type': 'application/json' }, body: JSON.stringify(aPatientBody()) });
        assert.equal(back.status, 201, 'and back without a restart once the identity service is');
      } finally {
        api.stack.identity.faults({});
        await fresh.stop();
      }
    });

    it('accepts tokens of a new signing key without a restart, and those of the previous key while it is published', async () => {
      const before = await token(localIdentities.operator, 'patient_tests');
      assert.equal((await write('patient_tests', `Bearer ${before}`)).response.status, 201);
      const kid = await api.stack.identity.rotateSigningKey();
      // An app fetches the key set again for a key id it does not hold, at most once in 5 s.
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      const after = await token(localIdentities.operator, 'patient_tests');
      assert.equal((JSON.parse(Buffer.from(after.split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid, kid);
      assert.equal((await write('patient_tests', `Bearer ${after}`)).response.status, 201, 'the new key, through to the audit register');
      assert.equal((await write('patient_tests', `Bearer ${before}`)).response.status, 201, 'the previous key, still published');
      assert.equal((await api.call('/', { method: 'POST', body: aPatientBody() })).status, 201, 'and through the gateway');
    });
  });
});
