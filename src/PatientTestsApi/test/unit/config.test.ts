import assert from 'node:assert/strict';
import { ConfigurationError } from '@patient-tests/shared/config';
import { loadPatientTestsConfig } from '../../src/config';
import { patientTestsCollections } from '../../src/data/patient-tests-indexes';

const required = { MONGODB_URI: 'mongodb://127.0.0.1:27017/', AUDIT_API_URL: 'http://127.0.0.1:7072/api', AUDIT_API_KEY: 'k', GATEWAY_FUNCTION_KEY: 'g' };

describe('PatientTests API configuration', () => {
  it('defaults everything but the database, the Audit API and its key, and the gateway\'s key', () => {
    const config = loadPatientTestsConfig(required);
    assert.equal(config.mongo.databaseName, 'patienttests');
    assert.equal(config.mongo.collections.patients, 'patients');
    assert.equal(config.mongo.collections.patientVersions, 'patientversions');
    assert.equal(config.mongo.collections.tests, 'tests');
    assert.equal(config.audit.timeoutMs, 2000);
    assert.equal(config.mongo.createIndexes, false, 'in Azure, Terraform owns the indexes');
    assert.equal(config.mongo.collections.idempotencyKeys, 'idempotencykeys');
    assert.equal(config.idempotencyKeyLifetimeMs, (patientTestsCollections.idempotency_keys.ttlSeconds ?? 0) * 1000, 'the TTL the collection is declared with');
  });

  it('creates indexes only when told to (the local stack)', () => {
    assert.equal(loadPatientTestsConfig({ ...required, MONGODB_CREATE_INDEXES: 'true' }).mongo.createIndexes, true);
  });

  for (const name of Object.keys(required)) {
    it(`fails start-up naming ${name} when it is missing (auditing never silently switches off, nor names callers wrongly)`, () => {
      assert.throws(() => loadPatientTestsConfig({ ...required, [name]: undefined }), (error: unknown) =>
        error instanceof ConfigurationError && error.problems.length === 1 && error.problems[0] === `${name} is required but not set`);
    });
  }

  for (const name of ['MONGODB_URI', 'AUDIT_API_KEY', 'GATEWAY_FUNCTION_KEY']) {
    it(`fails start-up naming ${name} when it still holds a Key Vault reference (App Service could not resolve it)`, () => {
      assert.throws(() => loadPatientTestsConfig({ ...required, [name]: `@Microsoft.KeyVault(SecretUri=https://vault.example/secrets/${name.toLowerCase()}/)` }), (error: unknown) =>
        error instanceof ConfigurationError && error.problems.length === 1 && error.problems[0]?.startsWith(`${name} holds a Key Vault reference`) === true);
    });
  }

  it('rejects an Audit API address that is not an http(s) URL', () => {
    assert.throws(() => loadPatientTestsConfig({ ...required, AUDIT_API_URL: 'not a url' }), /AUDIT_API_URL is invalid/);
  });
});
