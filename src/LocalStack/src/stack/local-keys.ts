import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const key = z.string().min(16);
const keyFile = z.object({
  /** The first local client's subscription key (what clients, the docs page and load tests use). */
  gatewaySubscriptionKey: key,
  /** A second client's subscription: two subscriptions are two actors in the audit register. */
  secondSubscriptionKey: key,
});

/**
 * The clients' subscription keys, the only keys left: they are what a client presents to API Management.
 * Between the gateway and the apps there are tokens (the identity service's signing key is kept beside
 * these, in `.local/identity/`). A key file of an earlier version may hold function keys; they are ignored.
 */
export type LocalKeys = z.infer<typeof keyFile>;

/**
 * Keys are generated at first start into an ignored file (mode 0600) and reused after that, so a
 * restart keeps clients working. A file written before a key existed gets the missing one added. Values
 * given in the environment win over the file.
 */
export function loadOrCreateKeys(path: string, overrides: { [Name in keyof LocalKeys]?: string | undefined }): LocalKeys {
  const stored = existsSync(path) ? keyFile.partial().parse(JSON.parse(readFileSync(path, 'utf8'))) : {};
  const keys: LocalKeys = {
    gatewaySubscriptionKey: stored.gatewaySubscriptionKey ?? newKey(),
    secondSubscriptionKey: stored.secondSubscriptionKey ?? newKey(),
  };
  if (stored.gatewaySubscriptionKey === undefined || stored.secondSubscriptionKey === undefined) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    gatewaySubscriptionKey: overrides.gatewaySubscriptionKey ?? keys.gatewaySubscriptionKey,
    secondSubscriptionKey: overrides.secondSubscriptionKey ?? keys.secondSubscriptionKey,
  };
}

function newKey(): string {
  return randomBytes(32).toString('base64url');
}
