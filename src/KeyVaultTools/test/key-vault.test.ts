import assert from 'node:assert/strict';
import type { TokenCredential } from '@azure/core-auth';
import { SecretClient } from '@azure/keyvault-secrets';
import { ConfigurationError } from '@patient-tests/shared/config';
import { ArmFunctionKeysApi } from '../src/function-keys-api';
import { resolveKeyVaultReferences } from '../src/key-vault-references';
import { rotateFunctionKey } from '../src/rotate-function-key';
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
      await secrets.setSecret('audit-api-key', 'first-value');
      await secrets.setSecret('audit-api-key', 'second-value');
      const vaultName = new URL(azure.url).hostname.split('.')[0] ?? '';
      const resolved = await resolveKeyVaultReferences({
        MONGODB_URI: `@Microsoft.KeyVault(SecretUri=${azure.url}/secrets/patient-tests-mongodb-uri/)`,
        AUDIT_API_KEY: `@Microsoft.KeyVault(VaultName=${vaultName};SecretName=audit-api-key)`,
        PINNED: `@Microsoft.KeyVault(SecretUri=${azure.url}/secrets/audit-api-key/1)`,
        PATIENT_TESTS_DATABASE_NAME: 'patienttests',
      }, azure.url, secrets);
      assert.deepEqual(resolved, {
        MONGODB_URI: 'mongodb://cosmos.example:10255/?retrywrites=false',
        AUDIT_API_KEY: 'second-value',
        PINNED: 'first-value',
        PATIENT_TESTS_DATABASE_NAME: 'patienttests',
      });
    });

    it('names every setting it cannot resolve, and never a value', async () => {
      await assert.rejects(
        resolveKeyVaultReferences({
          MISSING: `@Microsoft.KeyVault(SecretUri=${azure.url}/secrets/no-such-secret/)`,
          ELSEWHERE: '@Microsoft.KeyVault(SecretUri=https://other-vault.vault.azure.net/secrets/audit-api-key/)',
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

  describe('rotateFunctionKey', () => {
    const audit = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Web/sites/func-audit';
    const patientTests = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Web/sites/func-patienttests';
    const plan = { secretName: 'rotated-key', providerSiteId: audit, keyName: 'patient-tests', consumerSiteIds: [patientTests], settleMs: 0 };
    const tools = () => ({
      secrets,
      sites: new ArmFunctionKeysApi(credential, azure.url),
      sleep: () => Promise.resolve(),
      now: () => new Date('2026-11-22T10:15:00.000Z'),
      newKey: () => 'the-new-key-value',
      log: () => undefined,
    });

    beforeEach(() => { azure.events.length = 0; });

    it('adds the new key, then publishes it, then restarts the consumers, and retires the old key last', async () => {
      azure.functionKeys.set(audit, new Map([['patient-tests', 'the-old-key-value'], ['someone-else', 'unrelated']]));
      azure.secrets.set('rotated-key', ['the-old-key-value']);

      const newName = await rotateFunctionKey(plan, tools());

      assert.equal(newName, 'patient-tests-20261122t101500z');
      assert.deepEqual(azure.events, [
        'key patient-tests-20261122t101500z added on func-audit',
        'secret rotated-key version 2',
        'restart func-patienttests, answered once restarted',
        'key patient-tests retired on func-audit',
      ]);
      assert.deepEqual(Object.fromEntries(azure.functionKeys.get(audit) ?? []), { 'someone-else': 'unrelated', 'patient-tests-20261122t101500z': 'the-new-key-value' });
      assert.equal((await secrets.getSecret('rotated-key')).value, 'the-new-key-value');
    });

    it('refreshes an API Management named value when that is the consumer', async () => {
      azure.functionKeys.set(patientTests, new Map([['apim', 'the-old-key-value']]));
      azure.secrets.set('apim-key', ['the-old-key-value']);
      const namedValue = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim/namedValues/patient-tests-function-key';
      await rotateFunctionKey({ secretName: 'apim-key', providerSiteId: patientTests, keyName: 'apim', consumerSiteIds: [], consumerNamedValueIds: [namedValue], settleMs: 0 }, tools());
      assert.deepEqual(azure.events, [
        'key apim-20261122t101500z added on func-patienttests',
        'secret apim-key version 2',
        'refresh named value patient-tests-function-key',
        'key apim retired on func-patienttests',
      ]);
    });

    it('restarts an app that holds the key until it is back, and only then refreshes the named value: the gateway key\'s window is the refresh', async () => {
      azure.functionKeys.set(patientTests, new Map([['apim', 'the-old-key-value']]));
      azure.secrets.set('apim-key', ['the-old-key-value']);
      const namedValue = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim/namedValues/patient-tests-function-key';
      await rotateFunctionKey({ secretName: 'apim-key', providerSiteId: patientTests, keyName: 'apim', consumerSiteIds: [patientTests], consumerNamedValueIds: [namedValue], settleMs: 0 }, tools());
      assert.deepEqual(azure.events, [
        'key apim-20261122t101500z added on func-patienttests',
        'secret apim-key version 2',
        'restart func-patienttests, answered once restarted',
        'refresh named value patient-tests-function-key',
        'key apim retired on func-patienttests',
      ]);
    });

    it('refuses to start when the secret holds no key the provider knows, or nobody would be refreshed', async () => {
      azure.functionKeys.set(audit, new Map([['patient-tests', 'the-old-key-value']]));
      azure.secrets.set('rotated-key', ['the-old-key-value']);
      await assert.rejects(rotateFunctionKey({ ...plan, consumerSiteIds: [] }, tools()), /no consumer to refresh/);
      assert.deepEqual(azure.events, []);
    });

    it('refuses to start when the secret holds no key the provider knows', async () => {
      azure.functionKeys.set(audit, new Map([['patient-tests', 'the-old-key-value']]));
      azure.secrets.set('rotated-key', ['drifted']);
      await assert.rejects(rotateFunctionKey(plan, tools()), /refusing to rotate from an unknown state/);
      assert.deepEqual(azure.events, []);
    });
  });
});
