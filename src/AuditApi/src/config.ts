import { decodeAppSettings, setting } from '@patient-tests/shared/config';
import appRoles from './functions/app-roles.json';

/** Every setting of the Audit API, decoded once at start-up; the database and token ones are the shared fragments'. */
export function loadAuditConfig(environment: Readonly<Record<string, string | undefined>>) {
  const { values, mongo, throttling, auth, roleHolders } = decodeAppSettings(
    {
      AUDIT_DATABASE_NAME: setting.databaseName('audit'),
      AUDIT_COLLECTION_NAME: setting.databaseName('auditrecords'),
      AUDIT_MAX_BODY_BYTES: setting.integer(256, 1_048_576, 4_096),
    },
    appRoles,
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
    /** How tokens are checked, and the identities that hold each app role (appending: PatientTests; reading: auditors). */
    auth,
    roleHolders,
  };
}

export type AuditConfig = ReturnType<typeof loadAuditConfig>;
