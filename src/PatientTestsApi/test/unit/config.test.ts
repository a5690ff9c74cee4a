import assert from 'node:assert/strict';
import { ConfigurationError } from '@patient-tests/shared/config';
import { loadPatientTestsConfig } from '../../src/config';
import { patientTestsCollections } from '../../src/data/patient-tests-indexes';
import { requiredSettings, testIds } from '../fixtures/settings';

const ids = testIds;
const required = requiredSettings;

describe('PatientTests API configuration', () => {
  it('defaults everything but the database, the Audit API and the identity that calls it, and how tokens are checked', () => {
    const config = loadPatientTestsConfig(required);
    assert.equal(config.mongo.databaseName, 'patienttests');
    assert.equal(config.mongo.collections.patients, 'patients');
    assert.equal(config.mongo.collections.patientVersions, 'patientversions');
    assert.equal(config.mongo.collections.tests, 'tests');
    assert.equal(config.audit.timeoutMs, 2000);
    assert.equal(config.mongo.createIndexes, false, 'in Azure, Terraform owns the indexes');
    assert.equal(config.mongo.collections.idempotencyKeys, 'idempotencykeys');
    assert.equal(config.idempotencyKeyLifetimeMs, (patientTestsCollections.idempotency_keys.ttlSeconds ?? 0) * 1000, 'the TTL the collection is declared with');
    assert.deepEqual(config.auth, {
      tenantId: ids.tenant,
      audience: ids.application,
      issuer: `https://login.microsoftonline.com/${ids.tenant}/v2.0`,
      jwksUri: `https://login.microsoftonline.com/${ids.tenant}/discovery/v2.0/keys`,
    });
    assert.deepEqual(config.auditToken, { clientId: ids.identity, audience: ids.auditApplication });
  });

  it('lets nobody in until the deployment names who holds the role', () => {
    const config = loadPatientTestsConfig(required);
    assert.deepEqual(config.roleHolders, { 'PatientTests.ReadWrite': [], 'Release.Probe': [] });
    assert.deepEqual(config.gatewayObjectIds, []);
  });

  it('takes each kind of holder from its own setting, in lower case, and only API Management\'s may name callers', () => {
    const direct = 'AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA';
    const config = loadPatientTestsConfig({ ...required, AUTH_API_MANAGEMENT_OBJECT_IDS: ids.gateway, AUTH_DIRECT_CALLERS_OBJECT_IDS: ` ${direct} ,` });
    assert.deepEqual(config.roleHolders['PatientTests.ReadWrite'], [ids.gateway, direct.toLowerCase()]);
    assert.deepEqual(config.gatewayObjectIds, [ids.gateway]);
  });

  it('creates indexes only when told to (the local stack)', () => {
    assert.equal(loadPatientTestsConfig({ ...required, MONGODB_CREATE_INDEXES: 'true' }).mongo.createIndexes, true);
  });

  for (const name of Object.keys(required)) {
    it(`fails start-up naming ${name} when it is missing (auditing never silently switches off, nor are callers taken on trust)`, () => {
      assert.throws(() => loadPatientTestsConfig({ ...required, [name]: undefined }), (error: unknown) =>
        error instanceof ConfigurationError && error.problems.length === 1 && error.problems[0] === `${name} is required but not set`);
    });
  }

  it('fails start-up naming MONGODB_URI when it still holds a Key Vault reference (App Service could not resolve it)', () => {
    assert.throws(() => loadPatientTestsConfig({ ...required, MONGODB_URI: '@Microsoft.KeyVault(SecretUri=https://vault.example/secrets/patient-tests-mongodb-uri/)' }), (error: unknown) =>
      error instanceof ConfigurationError && error.problems.length === 1 && error.problems[0]?.startsWith('MONGODB_URI holds a Key Vault reference') === true);
  });

  it('rejects an Audit API address that is not an http(s) URL', () => {
    assert.throws(() => loadPatientTestsConfig({ ...required, AUDIT_API_URL: 'not a url' }), /AUDIT_API_URL is invalid/);
  });

  it('refuses ids that are not GUIDs, naming each setting', () => {
    assert.throws(
      () => loadPatientTestsConfig({ ...required, AUTH_TENANT_ID: 'contoso.onmicrosoft.com', AUTH_API_MANAGEMENT_OBJECT_IDS: `${ids.gateway},apim` }),
      (error: unknown) => error instanceof ConfigurationError && error.problems.length === 2 &&
        error.message.includes('AUTH_TENANT_ID') && error.message.includes('AUTH_API_MANAGEMENT_OBJECT_IDS'),
    );
  });

  it('trusts keys only from an https authority, or http on this machine\'s loopback (the local identity service)', () => {
    assert.equal(loadPatientTestsConfig({ ...required, AUTH_AUTHORITY: 'http://127.0.0.1:7073' }).auth.issuer, `http://127.0.0.1:7073/${ids.tenant}/v2.0`);
    assert.equal(loadPatientTestsConfig({ ...required, AUTH_AUTHORITY: 'https://login.microsoftonline.us' }).auth.jwksUri, `https://login.microsoftonline.us/${ids.tenant}/discovery/v2.0/keys`);
    for (const authority of ['http://login.microsoftonline.com', 'http://10.0.0.5:7073', 'https://login.microsoftonline.com/common']) {
      assert.throws(() => loadPatientTestsConfig({ ...required, AUTH_AUTHORITY: authority }), /AUTH_AUTHORITY is invalid/, authority);
    }
  });
});
