import { decodeAppSettings, setting } from '@patient-tests/shared/config';

/** Every setting of the Audit API, decoded once at start-up; the database ones are the shared fragment's. */
export function loadAuditConfig(environment: Readonly<Record<string, string | undefined>>) {
  const { values, mongo, throttling } = decodeAppSettings(
    {
      AUDIT_DATABASE_NAME: setting.databaseName('audit'),
      AUDIT_COLLECTION_NAME: setting.databaseName('auditrecords'),
      AUDIT_MAX_BODY_BYTES: setting.integer(256, 1_048_576, 4_096),
    },
    environment,
  );
  return {
    mongo: {
      ...mongo,
      databaseName: values.AUDIT_DATABASE_NAME,
      collections: { auditRecords: values.AUDIT_COLLECTION_NAME },
    },
    throttling,
    maxBodyBytes: values.AUDIT_MAX_BODY_BYTES,
  };
}

export type AuditConfig = ReturnType<typeof loadAuditConfig>;
