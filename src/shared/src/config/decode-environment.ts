import { z } from 'zod';
import { ConfigurationError } from './configuration-error';

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * App Service leaves a Key Vault reference it cannot resolve (no access, a wrong name, the vault out of
 * reach) in the setting as the literal text, and starts the app anyway. No setting of ours can mean that
 * text, and taking it as a value fails late and obscurely (a connection string that is not one, a secret
 * that is the text of its own reference), or open, for a setting that would decide who may do what.
 */
const unresolvedKeyVaultReference = /^\s*@Microsoft\.KeyVault\(/i;

/**
 * Decodes environment variables once, at start-up. An empty string counts as missing, so a setting
 * blanked out in the portal fails loudly instead of becoming "". A setting that still holds a Key Vault
 * reference stops the start as well, naming the setting (never its value).
 */
export function decodeEnvironment<Shape extends z.ZodRawShape>(
  shape: Shape,
  environment: Environment,
): z.infer<z.ZodObject<Shape>> {
  const present = Object.fromEntries(
    Object.keys(shape).map((name) => [name, emptyToUndefined(environment[name])]),
  );
  const unresolved = Object.keys(present).filter((name) => unresolvedKeyVaultReference.test(present[name] ?? ''));
  const result = z.object(shape).safeParse(present);
  if (result.success && unresolved.length === 0) return result.data;
  const problems = unresolved.map((name) => `${name} holds a Key Vault reference that was not resolved: check the reference and the app's access to the vault`);
  for (const issue of result.error?.issues ?? []) {
    if (!unresolved.includes(String(issue.path[0]))) problems.push(describe(issue, present));
  }
  throw new ConfigurationError(problems);
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function describe(issue: z.core.$ZodIssue, present: Record<string, unknown>): string {
  const name = String(issue.path[0] ?? '(unknown)');
  return present[name] === undefined
    ? `${name} is required but not set`
    : `${name} is invalid: ${issue.message}`;
}
