// `npm run rotate-key -- --vault <url> --secret audit-api-key --provider <site id> --key-name patient-tests
//   --consumer <site id> [--consumer …] [--apim-named-value <named value id> …] [--settle-seconds 120]`
// (docs/key_rotation.md)
// Runs as whoever is logged in to the Azure CLI (or a workload identity in a pipeline): it needs
// Key Vault Secrets Officer on the secret, Website Contributor on the apps, and API Management Service
// Contributor for a named value.
import { parseArgs } from 'node:util';
import { AzureCliCredential, WorkloadIdentityCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { ArmFunctionKeysApi } from './function-keys-api';
import { realRotationTools, rotateFunctionKey } from './rotate-function-key';

const { values } = parseArgs({
  options: {
    vault: { type: 'string' },
    secret: { type: 'string' },
    provider: { type: 'string' },
    'key-name': { type: 'string' },
    consumer: { type: 'string', multiple: true },
    'apim-named-value': { type: 'string', multiple: true },
    'settle-seconds': { type: 'string', default: '120' },
  },
});

async function main(): Promise<void> {
  const missing = ['vault', 'secret', 'provider', 'key-name'].filter((name) => values[name as keyof typeof values] === undefined);
  if (missing.length > 0) throw new Error(`missing ${missing.map((name) => `--${name}`).join(', ')}`);
  // Explicit credentials: a pipeline's workload identity, else the operator's Azure CLI login. Nothing
  // that probes a metadata endpoint.
  const credential = process.env.AZURE_FEDERATED_TOKEN_FILE ? new WorkloadIdentityCredential() : new AzureCliCredential();
  const newName = await rotateFunctionKey(
    {
      secretName: values.secret ?? '',
      providerSiteId: values.provider ?? '',
      keyName: values['key-name'] ?? '',
      consumerSiteIds: values.consumer ?? [],
      consumerNamedValueIds: values['apim-named-value'] ?? [],
      settleMs: Number(values['settle-seconds']) * 1000,
    },
    {
      ...realRotationTools,
      secrets: new SecretClient(values.vault ?? '', credential),
      sites: new ArmFunctionKeysApi(credential),
      log: (line) => { process.stdout.write(`${line}\n`); },
    },
  );
  process.stdout.write(`rotated: ${newName} is now the only ${values['key-name'] ?? ''} key\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`rotation failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
