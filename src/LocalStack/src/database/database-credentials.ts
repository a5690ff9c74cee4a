import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const credentialsFile = z.object({
  superuserPassword: z.string().min(16),
  roles: z.record(z.string(), z.string().min(16)),
});

export type DatabaseCredentials = z.infer<typeof credentialsFile>;

/**
 * The local cluster's passwords: generated at first start into an ignored file (mode 0600) beside the
 * keys, reused afterwards, and extended when a new role appears. Nothing here is ever committed.
 */
export function loadOrCreateDatabaseCredentials(path: string, roleNames: readonly string[]): DatabaseCredentials {
  const stored = existsSync(path) ? credentialsFile.parse(JSON.parse(readFileSync(path, 'utf8'))) : { superuserPassword: newPassword(), roles: {} };
  const missing = roleNames.filter((name) => !(name in stored.roles));
  if (missing.length === 0 && existsSync(path)) return stored;
  const credentials = { ...stored, roles: { ...stored.roles, ...Object.fromEntries(missing.map((name) => [name, newPassword()])) } };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}

function newPassword(): string {
  return randomBytes(24).toString('base64url');
}
