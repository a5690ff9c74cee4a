import type { z } from 'zod';
import { defaultThrottlingRetryPolicy, type ThrottlingRetryPolicy } from '../mongo/throttling-retry';
import { setting } from './settings';

/**
 * The database settings both apps read, with the same names, bounds and defaults; each app adds its own
 * database and collection names.
 */
export const mongoSettings = {
  MONGODB_URI: setting.mongodbUri(),
  MONGODB_SERVER_SELECTION_TIMEOUT_MS: setting.integer(100, 60_000, 5_000),
  // Only the local stack sets it: in Azure, Terraform owns collections and indexes (env/cosmos.tf).
  MONGODB_CREATE_INDEXES: setting.flag(false),
  COSMOS_THROTTLE_MAX_WAIT_MS: setting.integer(0, 30_000, 5_000),
};

type MongoSettingValues = z.infer<z.ZodObject<typeof mongoSettings>>;

export interface MongoConfig {
  readonly mongo: { readonly uri: string; readonly serverSelectionTimeoutMs: number; readonly createIndexes: boolean };
  readonly throttling: ThrottlingRetryPolicy;
}

/** The decoded settings as both apps' configurations carry them. */
export function mongoConfigOf(values: MongoSettingValues): MongoConfig {
  return {
    mongo: { uri: values.MONGODB_URI, serverSelectionTimeoutMs: values.MONGODB_SERVER_SELECTION_TIMEOUT_MS, createIndexes: values.MONGODB_CREATE_INDEXES },
    throttling: { ...defaultThrottlingRetryPolicy, maxTotalWaitMs: values.COSMOS_THROTTLE_MAX_WAIT_MS },
  };
}
