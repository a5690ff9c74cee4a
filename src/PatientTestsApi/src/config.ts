import { decodeAppSettings, setting } from '@patient-tests/shared/config';
import appRoles from './functions/app-roles.json';

/** Every setting of the PatientTests API, decoded once at start-up; the database and token ones are the shared fragments'. */
export function loadPatientTestsConfig(environment: Readonly<Record<string, string | undefined>>) {
  const { values, mongo, throttling, auth, roleHolders, holderObjectIds } = decodeAppSettings(
    {
      PATIENT_TESTS_DATABASE_NAME: setting.databaseName('patienttests'),
      PATIENTS_COLLECTION_NAME: setting.databaseName('patients'),
      PATIENT_VERSIONS_COLLECTION_NAME: setting.databaseName('patientversions'),
      TESTS_COLLECTION_NAME: setting.databaseName('tests'),
      IDEMPOTENCY_KEYS_COLLECTION_NAME: setting.databaseName('idempotencykeys'),
      // How long an Idempotency-Key is remembered; env/cosmos.tf gives its collection the same TTL.
      IDEMPOTENCY_TTL_SECONDS: setting.integer(60, 2_592_000, 86_400),
      AUDIT_API_URL: setting.httpUrl(),
      // The Audit API's application (client) id: the audience of the tokens this app presents to it.
      AUDIT_API_APPLICATION_ID: setting.guid(),
      // Which managed identity of this app asks for those tokens (its user-assigned one).
      MANAGED_IDENTITY_CLIENT_ID: setting.guid(),
      AUDIT_TIMEOUT_MS: setting.integer(50, 30_000, 2_000),
      PATIENT_TESTS_MAX_BODY_BYTES: setting.integer(1_024, 1_048_576, 32_768),
    },
    appRoles,
    environment,
  );
  return {
    mongo: {
      ...mongo,
      databaseName: values.PATIENT_TESTS_DATABASE_NAME,
      collections: {
        patients: values.PATIENTS_COLLECTION_NAME,
        patientVersions: values.PATIENT_VERSIONS_COLLECTION_NAME,
        tests: values.TESTS_COLLECTION_NAME,
        idempotencyKeys: values.IDEMPOTENCY_KEYS_COLLECTION_NAME,
      },
    },
    audit: { baseUrl: values.AUDIT_API_URL, timeoutMs: values.AUDIT_TIMEOUT_MS },
    auditToken: { clientId: values.MANAGED_IDENTITY_CLIENT_ID, audience: values.AUDIT_API_APPLICATION_ID },
    throttling,
    maxBodyBytes: values.PATIENT_TESTS_MAX_BODY_BYTES,
    /** How tokens are checked, and the identities that hold each app role. */
    auth,
    roleHolders,
    /** The identities whose requests may name their caller (x-caller-*): API Management's. */
    gatewayObjectIds: holderObjectIds.api_management ?? [],
    idempotencyKeyLifetimeMs: values.IDEMPOTENCY_TTL_SECONDS * 1000,
  };
}

export type PatientTestsConfig = ReturnType<typeof loadPatientTestsConfig>;
