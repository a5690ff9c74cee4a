import assert from 'node:assert/strict';
import { ConfigurationError } from '@patient-tests/shared/config';
import { loadAuditConfig } from '../../src/config';

const tenant = '11111111-1111-4111-8111-111111111111';
const application = '22222222-2222-4222-8222-222222222222';
/** What every deployment gives the app besides its database: how the tokens of its callers are checked. */
const auth = { AUTH_TENANT_ID: tenant, AUTH_APPLICATION_ID: application };

describe('Audit API configuration', () => {
  it('needs only MONGODB_URI and how tokens are checked, and defaults the rest', () => {
    const config = loadAuditConfig({ MONGODB_URI: 'mongodb://127.0.0.1:27017/', ...auth });
    assert.equal(config.auth.audience, application);
    assert.equal(config.mongo.databaseName, 'audit');
    assert.equal(config.mongo.collections.auditRecords, 'auditrecords');
    assert.equal(config.maxBodyBytes, 4096);
    assert.equal(config.mongo.createIndexes, false, 'in Azure, Terraform owns the indexes');
  });

  it('creates indexes only when told to (the local stack), and names a setting it cannot read', () => {
    assert.equal(loadAuditConfig({ MONGODB_URI: 'mongodb://x/', ...auth, MONGODB_CREATE_INDEXES: 'true' }).mongo.createIndexes, true);
    assert.throws(() => loadAuditConfig({ MONGODB_URI: 'mongodb://x/', ...auth, MONGODB_CREATE_INDEXES: 'sometimes' }), /MONGODB_CREATE_INDEXES/);
  });

  it('fails start-up naming every missing setting', () => {
    assert.throws(() => loadAuditConfig({}), (error: unknown) => {
      assert.ok(error instanceof ConfigurationError);
      assert.deepEqual(error.problems, ['MONGODB_URI is required but not set', 'AUTH_TENANT_ID is required but not set', 'AUTH_APPLICATION_ID is required but not set']);
      return true;
    });
  });

  it('gives the append role to the PatientTests identity and the read role to the auditors, each from its own setting', () => {
    const writer = '33333333-3333-4333-8333-333333333333';
    const auditors = '44444444-4444-4444-8444-444444444444';
    const config = loadAuditConfig({ MONGODB_URI: 'mongodb://x/', ...auth, AUTH_PATIENT_TESTS_OBJECT_IDS: writer, AUTH_AUDITORS_OBJECT_IDS: auditors });
    assert.deepEqual(config.roleHolders, { 'AuditRecords.Append': [writer], 'AuditRecords.Read': [auditors], 'Release.Probe': [] });
  });

  it('fails start-up naming a connection string that is still a Key Vault reference (App Service could not resolve it)', () => {
    assert.throws(() => loadAuditConfig({ MONGODB_URI: '@Microsoft.KeyVault(SecretUri=https://vault.example/secrets/audit-mongodb-uri/)', ...auth }), (error: unknown) =>
      error instanceof ConfigurationError && error.problems.length === 1 && error.problems[0]?.startsWith('MONGODB_URI holds a Key Vault reference') === true);
  });

  it('fails start-up naming each invalid setting', () => {
    assert.throws(
      () => loadAuditConfig({ MONGODB_URI: 'mongodb://x/', ...auth, AUDIT_DATABASE_NAME: 'a b', AUDIT_MAX_BODY_BYTES: '-1' }),
      (error: unknown) => error instanceof ConfigurationError && error.problems.length === 2 &&
        error.message.includes('AUDIT_DATABASE_NAME') && error.message.includes('AUDIT_MAX_BODY_BYTES'),
    );
  });
});
