#!/usr/bin/env node
// `with-key-vault <command> [args…]`: the configuration loader for apps outside App Service (a container,
// a VM). When KEY_VAULT_URL is set, every setting that holds a Key Vault reference is resolved with the
// managed identity (AZURE_CLIENT_ID selects a user-assigned one) and the command runs with the values.
// Without KEY_VAULT_URL the command runs unchanged. Values never reach a log line.
import { spawn } from 'node:child_process';
import { ManagedIdentityCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { ConfigurationError } from '@patient-tests/shared/config';
import { resolveKeyVaultReferences } from './key-vault-references';

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (command === undefined) throw new ConfigurationError(['usage: with-key-vault <command> [args…]']);
  const vaultUrl = process.env.KEY_VAULT_URL;
  let environment: Record<string, string | undefined> = process.env;
  if (vaultUrl !== undefined && vaultUrl !== '') {
    // A managed identity only: this runs in Azure, and must not try developer credentials or probe elsewhere.
    const clientId = process.env.AZURE_CLIENT_ID;
    const credential = clientId === undefined ? new ManagedIdentityCredential() : new ManagedIdentityCredential({ clientId });
    environment = await resolveKeyVaultReferences(process.env, vaultUrl, new SecretClient(vaultUrl, credential));
  }
  const child = spawn(command, args, { env: environment, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => { process.exit(code ?? (signal === null ? 1 : 128)); });
}

main().catch((error: unknown) => {
  const lines = error instanceof ConfigurationError ? error.problems : [error instanceof Error ? error.name : 'unknown error'];
  process.stderr.write(`with-key-vault: ${lines.join('; ')}\n`);
  process.exit(1);
});
