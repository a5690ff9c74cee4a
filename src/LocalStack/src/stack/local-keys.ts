import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const keyFile = z.object({
  gatewaySubscriptionKey: z.string().min(16),
  auditFunctionKey: z.string().min(16),
  patientTestsFunctionKey: z.string().min(16),
});

export type LocalKeys = z.infer<typeof keyFile>;

/**
 * Keys are generated at first start into an ignored file (mode 0600) and reused after that, so a
 * restart keeps clients working. Values given in the environment win over the file.
 */
export function loadOrCreateKeys(path: string, overrides: { [Name in keyof LocalKeys]?: string | undefined }): LocalKeys {
  let keys: LocalKeys;
  if (existsSync(path)) {
    keys = keyFile.parse(JSON.parse(readFileSync(path, 'utf8')));
  } else {
    keys = { gatewaySubscriptionKey: newKey(), auditFunctionKey: newKey(), patientTestsFunctionKey: newKey() };
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    gatewaySubscriptionKey: overrides.gatewaySubscriptionKey ?? keys.gatewaySubscriptionKey,
    auditFunctionKey: overrides.auditFunctionKey ?? keys.auditFunctionKey,
    patientTestsFunctionKey: overrides.patientTestsFunctionKey ?? keys.patientTestsFunctionKey,
  };
}

function newKey(): string {
  return randomBytes(32).toString('base64url');
}
