import { z } from 'zod';
import { ConfigurationError } from './configuration-error';

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Decodes environment variables once, at start-up. An empty string counts as missing, so a setting
 * blanked out in the portal fails loudly instead of becoming "".
 */
export function decodeEnvironment<Shape extends z.ZodRawShape>(
  shape: Shape,
  environment: Environment,
): z.infer<z.ZodObject<Shape>> {
  const present = Object.fromEntries(
    Object.keys(shape).map((name) => [name, emptyToUndefined(environment[name])]),
  );
  const result = z.object(shape).safeParse(present);
  if (result.success) return result.data;
  throw new ConfigurationError(result.error.issues.map((issue) => describe(issue, present)));
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
