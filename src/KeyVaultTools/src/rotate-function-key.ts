import { randomBytes } from 'node:crypto';
import type { FunctionKeysApi } from './function-keys-api';

/** What the rotation needs from Key Vault (SecretClient has both). */
export interface SecretStore {
  getSecret(name: string): Promise<{ value?: string | undefined }>;
  setSecret(name: string, value: string): Promise<unknown>;
}

export interface RotationPlan {
  /** The Key Vault secret the consumers read the key from, e.g. `audit-api-key`. */
  readonly secretName: string;
  /** The function app that checks the key (its ARM resource id). */
  readonly providerSiteId: string;
  /** The function key's name on that app; rotations append a time stamp: `patient-tests-20261122t101500z`. */
  readonly keyName: string;
  /** The apps whose Key Vault reference holds the key (their ARM resource ids); restarted to reread it. */
  readonly consumerSiteIds: readonly string[];
  /** API Management named values that hold the key (their ARM resource ids); refreshed to reread it. */
  readonly consumerNamedValueIds?: readonly string[];
  /** How long the old key keeps working after the consumers were told, before it is retired. */
  readonly settleMs: number;
}

export interface RotationTools {
  readonly secrets: SecretStore;
  readonly sites: FunctionKeysApi;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
  readonly newKey: () => string;
  readonly log: (line: string) => void;
}

export const realRotationTools = {
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  now: () => new Date(),
  newKey: () => randomBytes(36).toString('base64url'),
};

/**
 * Rotates a function key with no failed request: (1) the provider accepts a second, new key next to
 * the current one; (2) the new value becomes the secret's new version; (3) the consumers restart and
 * read it; (4) after the settle time every other key of that name is retired. At no moment is a key in
 * use that the provider refuses. Returns the new key's name; never logs a value.
 */
export async function rotateFunctionKey(plan: RotationPlan, tools: RotationTools): Promise<string> {
  const current = (await tools.secrets.getSecret(plan.secretName)).value;
  const before = await tools.sites.listFunctionKeys(plan.providerSiteId);
  const ours = Object.keys(before).filter((name) => name === plan.keyName || name.startsWith(`${plan.keyName}-`));
  if ((plan.consumerNamedValueIds?.length ?? 0) + plan.consumerSiteIds.length === 0) {
    throw new Error('no consumer to refresh: the old key would be retired while still in use');
  }
  if (current === undefined || !ours.some((name) => before[name] === current)) {
    throw new Error(`the secret ${plan.secretName} does not hold any ${plan.keyName} key of the provider; refusing to rotate from an unknown state`);
  }

  const value = tools.newKey();
  const stamp = tools.now().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '').toLowerCase();
  const newName = `${plan.keyName}-${stamp}`;
  await tools.sites.putFunctionKey(plan.providerSiteId, newName, value);
  tools.log(`1/4 ${newName} added; the provider accepts the old and the new key`);

  await tools.secrets.setSecret(plan.secretName, value);
  tools.log(`2/4 ${plan.secretName} has a new version`);

  // Apps first, each restart awaited until the app is back, then the named values at once: when both
  // hold the gateway's key (PatientTests recognises API Management by it), the time in which one has the
  // new key and the other the old is the named value's refresh, seconds, not an app restart
  // (docs/key_rotation.md: the calls in it are refused with 503 and retried).
  for (const consumer of plan.consumerSiteIds) await tools.sites.restart(consumer);
  for (const namedValue of plan.consumerNamedValueIds ?? []) await tools.sites.refreshNamedValue(namedValue);
  tools.log(`3/4 ${plan.consumerSiteIds.length} app(s) restarted, ${plan.consumerNamedValueIds?.length ?? 0} named value(s) refreshed`);

  await tools.sleep(plan.settleMs);
  for (const name of ours) await tools.sites.deleteFunctionKey(plan.providerSiteId, name);
  tools.log(`4/4 retired ${ours.join(', ')}`);
  return newName;
}
