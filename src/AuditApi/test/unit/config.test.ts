import assert from 'node:assert/strict';
import { ConfigurationError } from '@patient-tests/shared/config';
import { loadAuditConfig } from '../../src/config';

describe('Audit API configuration', () => {
  it('needs only MONGODB_URI and defaults the rest', () => {
    const config = loadAuditConfig({ MONGODB_URI: 'mongodb://127.0.0.1:27017/' });
    assert.equal(config.mongo.databaseName, 'audit');
    assert.equal(config.mongo.collections.auditRecords, 'auditrecords');
    assert.equal(config.maxBodyBytes, 4096);
    assert.equal(config.mongo.createIndexes, false, 'in Azure, Terraform owns the indexes');
  });

  it('creates indexes only when told to (the local stack), and names a setting it cannot read', () => {
    assert.equal(loadAuditConfig({ MONGODB_URI: 'mongodb://x/', MONGODB_CREATE_INDEXES: 'true' }).mongo.createIndexes, true);
    assert.throws(() => loadAuditConfig({ MONGODB_URI: 'mongodb://x/', MONGODB_CREATE_INDEXES: 'sometimes' }), /MONGODB_CREATE_INDEXES/);
  });

  it('fails start-up naming the missing connection string', () => {
    assert.throws(() => loadAuditConfig({}), (error: unknown) => {
      assert.ok(error instanceof ConfigurationError);
      assert.deepEqual(error.problems, ['MONGODB_URI is required but not set']);
      return true;
    });
  });

  it('fails start-up naming a connection string that is still a Key Vault reference (App Service could not resolve it)', () => {
    assert.throws(() => loadAuditConfig({ MONGODB_URI: '@Microsoft.KeyVault(SecretUri=https://vault.example/secrets/audit-mongodb-uri/)' }), (error: unknown) =>
      error instanceof ConfigurationError && error.problems.length === 1 && error.problems[0]?.startsWith('MONGODB_URI holds a Key Vault reference') === true);
  });

  it('fails start-up naming each invalid setting', () => {
    assert.throws(
      () => loadAuditConfig({ MONGODB_URI: 'mongodb://x/', AUDIT_DATABASE_NAME: 'a b', AUDIT_MAX_BODY_BYTES: '-1' }),
      (error: unknown) => error instanceof ConfigurationError && error.problems.length === 2 &&
        error.message.includes('AUDIT_DATABASE_NAME') && error.message.includes('AUDIT_MAX_BODY_BYTES'),
    );
  });
});
