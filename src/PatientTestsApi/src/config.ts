import { decodeAppSettings, setting } from '@patient-tests/shared/config';

/** Every setting of the PatientTests API, decoded once at start-up; the database ones are the shared fragment's. */
export function loadPatientTestsConfig(environment: Readonly<Record<string, string | undefined>>) {
  const { values, mongo, throttling } = decodeAppSettings(
    {
      PATIENT_TESTS_DATABASE_NAME: setting.databaseName('patienttests'),
      PATIENTS_COLLECTION_NAME: setting.databaseName('patients'),
      PATIENT_VERSIONS_COLLECTION_NAME: setting.databaseName('patientversions'),
      TESTS_COLLECTION_NAME: setting.databaseName('tests'),
      IDEMPOTENCY_KEYS_COLLECTION_NAME: setting.databaseName('idempotencykeys'),
      // How long an Idempotency-Key is remembered; env/cosmos.tf gives its collection the same TTL.
      IDEMPOTENCY_TTL_SECONDS: setting.integer(60, 2_592_000, 86_400),
      AUDIT_API_URL: setting.httpUrl(),
      AUDIT_API_KEY: setting.string(512),
      // API Management's function key (`apim`): only requests presenting it may name their caller.
      GATEWAY_FUNCTION_KEY: setting.string(512),
      AUDIT_TIMEOUT_MS: setting.integer(50, 30_000, 2_000),
      PATIENT_TESTS_MAX_BODY_BYTES: setting.integer(1_024, 1_048_576, 32_768),
    },
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
    audit: { baseUrl: values.AUDIT_API_URL, functionKey: values.AUDIT_API_KEY, timeoutMs: values.AUDIT_TIMEOUT_MS },
    throttling,
    maxBodyBytes: values.PATIENT_TESTS_MAX_BODY_BYTES,
    gatewayFunctionKey: values.GATEWAY_FUNCTION_KEY,
    idempotencyKeyLifetimeMs: values.IDEMPOTENCY_TTL_SECONDS * 1000,
  };
}

export type PatientTestsConfig = ReturnType<typeof loadPatientTestsConfig>;
