import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { AccessTokenVerifier, IssuerKeys, type JwksFetcher } from '../src/auth';
import { ServiceUnavailableError, UnauthorizedError } from '../src/errors';
import { aSigningKey, aToken, anUnsignedToken, callerId, config, entraClaims, type TestKey } from './fixtures/test-issuer';

describe('AccessTokenVerifier: Entra v2 access tokens, checked', () => {
  let key: TestKey;
  let impostor: TestKey;
  let verifier: AccessTokenVerifier;
  let fetches = 0;
  let keysUp = true;

  before(async () => {
    key = await aSigningKey('key-1');
    // Another key that claims the same key id: a token it signs must fail on the signature.
    impostor = await aSigningKey('key-1');
    const fetcher: JwksFetcher = (url) => {
      fetches += 1;
      assert.equal(url, config.jwksUri);
      return keysUp ? Promise.resolve({ keys: [key.publicJwk] }) : Promise.reject(new Error('connect ECONNREFUSED'));
    };
    verifier = new AccessTokenVerifier(config, new IssuerKeys(config.jwksUri, undefined, fetcher));
  });

  const assertRefusedAs = async (authorization: string | null, diagnostic: string, tokenPresented = true) => {
    await assert.rejects(verifier.verify(authorization), (error: unknown) => {
      assert.ok(error instanceof UnauthorizedError, String(error));
      assert.equal(error.diagnostic, diagnostic);
      assert.equal(error.tokenPresented, tokenPresented);
      assert.equal(error.message, 'A valid access token for this API is required (Authorization: Bearer).', 'one answer for every failure');
      return true;
    });
  };

  it('says who calls, from a token Entra would issue: object id, client, roles, groups', async () => {
    const caller = await verifier.verify(`Bearer ${await aToken(key, entraClaims({ groups: ['55555555-5555-4555-8555-555555555555'] }))}`);
    assert.deepEqual(caller, { objectId: callerId, clientId: '44444444-4444-4444-8444-444444444444', roles: ['Things.Write'], groups: ['55555555-5555-4555-8555-555555555555'] });
  });

  it('fetches the issuer\'s keys once and keeps them', async () => {
    const before = fetches;
    for (let round = 0; round < 3; round++) await verifier.verify(`Bearer ${await aToken(key)}`);
    assert.equal(fetches - before, 0);
  });

  it('refuses a request without a token, and says so without an error code (RFC 6750)', async () => {
    await assertRefusedAs(null, 'no token', false);
    await assertRefusedAs('', 'no token', false);
  });

  it('refuses what is not a bearer token: another scheme, a malformed or an oversized header', async () => {
    await assertRefusedAs(`Basic ${Buffer.from('user:password').toString('base64')}`, 'not a bearer token');
    await assertRefusedAs('Bearer', 'not a bearer token');
    await assertRefusedAs('Bearer not.a-token', 'not a bearer token');
    await assertRefusedAs(`Bearer ${'a'.repeat(20_000)}.${'b'.repeat(10)}.c`, 'not a bearer token');
    await assertRefusedAs('Bearer eyJub3QiOiJqc29uIg.e30.sig', 'malformed token');
  });

  it('refuses alg none, and HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    await assertRefusedAs(`Bearer ${anUnsignedToken()}`, 'algorithm not allowed');
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT', kid: 'key-1' })}.${part(entraClaims())}`;
    const signature = createHmac('sha256', JSON.stringify(key.publicJwk)).update(unsigned).digest('base64url');
    await assertRefusedAs(`Bearer ${unsigned}.${signature}`, 'algorithm not allowed');
  });

  it('refuses a token signed by another key, even under the key id of ours', async () => {
    await assertRefusedAs(`Bearer ${await aToken(impostor)}`, 'bad signature');
  });

  it('refuses a token without a key id, or naming one the issuer does not publish', async () => {
    await assertRefusedAs(`Bearer ${await aToken(key, entraClaims(), { kid: undefined })}`, 'no key id');
    await assertRefusedAs(`Bearer ${await aToken({ ...key, kid: 'key-unknown' })}`, 'unknown signing key');
  });

  it('refuses the right key\'s token for another issuer, audience, tenant or token version', async () => {
    await assertRefusedAs(`Bearer ${await aToken(key, entraClaims({ iss: 'https://login.microsoftonline.com/99999999-9999-4999-8999-999999999999/v2.0' }))}`, 'another issuer');
    await assertRefusedAs(`Bearer ${await aToken(key, entraClaims({ iss: `https://sts.windows.net/${config.tenantId}/` }))}`, 'another issuer');
    await assertRefusedAs(`Bearer ${await aToken(key, entraClaims({ aud: '99999999-9999-4999-8999-999999999999' }))}`, 'another audience');
    await assertRefusedAs(`Bearer ${await aToken(key, entraClaims({ aud: 'https://management.azure.com/' }))}`, 'another audience');
    await assertRefusedAs(`Bearer ${await aToken(key, entraClaims({ tid: '99999999-9999-4999-8999-999999999999' }))}`, 'another tenant');
    await assertRefusedAs(`Bearer ${await aToken(key, entraClaims({ ver: '1.0' }))}`, 'not a v2 token');
  });

  it('refuses expired and not-yet-valid tokens beyond a minute of clock skew, and accepts them within it', async () => {
    const now = Math.floor(Date.now() / 1000);
    await assertRefusedAs(`Bearer ${await aToken(key, entraClaims({ iat: now - 7200, nbf: now - 7200, exp: now - 90 }))}`, 'expired');
    await assertRefusedAs(`Bearer ${await aToken(key, entraClaims({ iat: now, nbf: now + 120, exp: now + 3600 }))}`, 'not yet valid');
    assert.equal((await verifier.verify(`Bearer ${await aToken(key, entraClaims({ exp: now - 30 }))}`)).objectId, callerId);
    assert.equal((await verifier.verify(`Bearer ${await aToken(key, entraClaims({ nbf: now + 30 }))}`)).objectId, callerId);
  });

  it('refuses a token without the claims a caller is known by', async () => {
    await assertRefusedAs(`Bearer ${await aToken(key, entraClaims({ oid: undefined }))}`, 'claim oid');
    await assertRefusedAs(`Bearer ${await aToken(key, entraClaims({ oid: 'not-a-guid' }))}`, 'no caller object id');
    await assertRefusedAs(`Bearer ${await aToken(key, entraClaims({ exp: undefined }))}`, 'claim exp');
  });

  it('answers 503 (never a pass) when the issuer\'s keys cannot be fetched and none are held', async () => {
    keysUp = false;
    try {
      const cold = new AccessTokenVerifier(config, new IssuerKeys(config.jwksUri, undefined, () => Promise.reject(new Error('connect ECONNREFUSED'))));
      await assert.rejects(cold.verify(`Bearer ${await aToken(key)}`), (error: unknown) => error instanceof ServiceUnavailableError && error.retryAfterSeconds > 0);
    } finally {
      keysUp = true;
    }
  });
});
