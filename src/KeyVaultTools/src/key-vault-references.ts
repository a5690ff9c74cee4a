import { ConfigurationError } from '@patient-tests/shared/config';

type Environment = Readonly<Record<string, string | undefined>>;

/** The one operation the resolver needs from a Key Vault client (SecretClient has it). */
export interface SecretReader {
  getSecret(name: string, options?: { version?: string }): Promise<{ value?: string | undefined }>;
}

interface Reference {
  readonly setting: string;
  /** The vault's name (the first label of its host), when the reference names one. */
  readonly vaultName: string | undefined;
  readonly secretName: string;
  readonly version: string | undefined;
}

const referencePattern = /^@Microsoft\.KeyVault\((.*)\)$/;

/**
 * Resolves App Service style Key Vault references in settings, for apps that run where the platform does
 * not resolve them (a container, a VM): the same app settings work in both places. Both forms are
 * understood: `@Microsoft.KeyVault(SecretUri=https://<vault>.vault.azure.net/secrets/<name>/<version?>)`
 * and `@Microsoft.KeyVault(VaultName=<vault>;SecretName=<name>;SecretVersion=<version?>)`. References to
 * another vault than `vaultUrl` are refused: one reader, one vault. Errors name settings, never values.
 */
export async function resolveKeyVaultReferences(environment: Environment, vaultUrl: string, reader: SecretReader): Promise<Record<string, string>> {
  const vaultName = new URL(vaultUrl).hostname.toLowerCase().split('.')[0];
  const resolved: Record<string, string> = {};
  const references: Reference[] = [];
  const problems: string[] = [];
  for (const [setting, value] of Object.entries(environment)) {
    if (value === undefined) continue;
    const reference = parseReference(setting, value);
    if (reference === undefined) {
      resolved[setting] = value;
    } else if (reference === 'invalid') {
      problems.push(`${setting} is not a Key Vault reference this loader understands`);
    } else if (reference.vaultName !== undefined && reference.vaultName !== vaultName) {
      problems.push(`${setting} refers to another vault than KEY_VAULT_URL`);
    } else {
      references.push(reference);
    }
  }
  await Promise.all(references.map(async (reference) => {
    try {
      const secret = await reader.getSecret(reference.secretName, reference.version === undefined ? {} : { version: reference.version });
      if (secret.value === undefined) problems.push(`${reference.setting}: secret ${reference.secretName} has no value`);
      else resolved[reference.setting] = secret.value;
    } catch (error: unknown) {
      const status = typeof error === 'object' && error !== null && 'statusCode' in error ? String(error.statusCode) : 'unreachable';
      problems.push(`${reference.setting}: secret ${reference.secretName} could not be read (${status})`);
    }
  }));
  if (problems.length > 0) throw new ConfigurationError(problems.sort());
  return resolved;
}

function parseReference(setting: string, value: string): Reference | 'invalid' | undefined {
  const match = referencePattern.exec(value.trim());
  if (!match) return undefined;
  const parts = new Map(
    (match[1] ?? '').split(';').map((part) => {
      const index = part.indexOf('=');
      return [part.slice(0, index).trim().toLowerCase(), part.slice(index + 1).trim()] as const;
    }),
  );
  const uri = parts.get('secreturi');
  if (uri !== undefined) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return 'invalid';
    }
    const [kind, name, version] = url.pathname.split('/').filter((segment) => segment !== '');
    if (kind !== 'secrets' || name === undefined) return 'invalid';
    return { setting, vaultName: url.hostname.toLowerCase().split('.')[0], secretName: name, version };
  }
  const name = parts.get('secretname');
  if (name === undefined || name === '') return 'invalid';
  return { setting, vaultName: parts.get('vaultname')?.toLowerCase(), secretName: name, version: parts.get('secretversion') };
}
