import assert from 'node:assert/strict';
import type { TokenCredential } from '@azure/core-auth';
import { SecretClient } from '@azure/keyvault-secrets';
import { ConfigurationError } from '@patient-tests/shared/config';
import { resolveKeyVaultReferences } from '../src/key-vault-references';
import { AzureStandIn } from './fixtures/azure-stand-in';

/** A fixed token: the stand-in checks that one is sent, not who signed it. No identity endpoint is called. */
const credential: TokenCredential = { getToken: () => Promise.resolve({ token: 'local-test-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };

describe('Key Vault (the real SDK against a loopback stand-in)', () => {
  const azure = new AzureStandIn();
  let secrets: SecretClient;

  before(async () => {
    await azure.start();
    // Both options are needed for a plain-HTTP vault that is not on *.vault.azure.net.
    secrets = new SecretClient(azure.url, credential, { allowInsecureConnection: true, disableChallengeResourceVerification: true });
  });
  after(() => azure.stop());

  describe('resolveKeyVaultReferences (the loader for apps outside App Service)', () => {
    it('resolves both reference forms and leaves other settings as they are', async () => {
      await secrets.setSecret('patient-tests-mongodb-uri', 'mongodb://cosmos.example:10255/?retrywrites=false');
      await secrets.setSecret('audit-mongodb-uri', 'first-value');
      await secrets.setSecret('audit-mongodb-uri', 'second-value');
      const vaultName = new URL(azure.url).hostname.split('.')[0] ?? '';
      const resolved = await resolveKeyVaultReferences({
        MONGODB_URI: `@Microsoft.KeyVault(SecretUri=${azure.url}/secrets/patient-tests-mongodb-uri/)`,
        AUDIT_MONGODB_URI: `@Microsoft.KeyVault(VaultName=${vaultName};SecretName=audit-mongodb-uri)`,
        PINNED: `@Microsoft.KeyVault(SecretUri=${azure.url}/secrets/audit-mongodb-uri/1)`,
        PATIENT_TESTS_DATABASE_NAME: 'patienttests',
      }, azure.url, secrets);
      assert.deepEqual(resolved, {
        MONGODB_URI: 'mongodb://cosmos.example:10255/?retrywrites=false',
        AUDIT_MONGODB_URI: 'second-value',
        PINNED: 'first-value',
        PATIENT_TESTS_DATABASE_NAME: 'patienttests',
      });
    });

    it('names every setting it cannot resolve, and never a value', async () => {
      await assert.rejects(
        resolveKeyVaultReferences({
          MISSING: `@Microsoft.KeyVault(SecretUri=${azure.url}/secrets/no-such-secret/)`,
          ELSEWHERE: '@Microsoft.KeyVault(SecretUri=https://other-vault.vault.azure.net/secrets/audit-mongodb-uri/)',
          BROKEN: '@Microsoft.KeyVault(SecretUri=not a url)',
        }, azure.url, secrets),
        (error: unknown) => {
          assert.ok(error instanceof ConfigurationError);
          assert.deepEqual(error.problems, [
            'BROKEN is not a Key Vault reference this loader understands',
            'ELSEWHERE refers to another vault than KEY_VAULT_URL',
            'MISSING: secret no-such-secret could not be read (404)',
          ]);
          return true;
        },
      );
    });
  });
});
