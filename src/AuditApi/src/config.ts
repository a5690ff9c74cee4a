import { decodeEnvironment, setting } from '@patient-tests/shared/config';

/** Every setting of the Audit API, decoded once at start-up. */
export function loadAuditConfig(environment: Readonly<Record<string, string | undefined>>) {
  const values = decodeEnvironment(
    {
      MONGODB_URI: setting.mongodbUri(),
      AUDIT_DATABASE_NAME: setting.databaseName('audit'),
      AUDIT_COLLECTION_NAME: setting.databaseName('auditrecords'),
      MONGODB_SERVER_SELECTION_TIMEOUT_MS: setting.integer(100, 60_000, 5_000),
      MONGODB_CREATE_INDEXES: setting.flag(false),
      COSMOS_THROTTLE_MAX_WAIT_MS: setting.integer(0, 30_000, 5_000),
      AUDIT_MAX_BODY_BYTES: setting.integer(256, 1_048_576, 4_096),
    },
    environment,
  );
  return {
    mongo: {
      uri: values.MONGODB_URI,
      databaseName: values.AUDIT_DATABASE_NAME,
      collectionName: values.AUDIT_COLLECTION_NAME,
      serverSelectionTimeoutMs: values.MONGODB_SERVER_SELECTION_TIMEOUT_MS,
      createIndexes: values.MONGODB_CREATE_INDEXES,
    },
    throttling: { maxTotalWaitMs: values.COSMOS_THROTTLE_MAX_WAIT_MS, fallbackWaitMs: 100, jitterRatio: 0.2 },
    maxBodyBytes: values.AUDIT_MAX_BODY_BYTES,
  };
}

export type AuditConfig = ReturnType<typeof loadAuditConfig>;
