import type { LocalKeys } from './local-keys';

/**
 * The app settings the stack hands each function app, as Azure's app settings do (env/functions.tf).
 * Their names and values must be ones the app's config.ts decodes (src/AuditApi/src/config.ts,
 * src/PatientTestsApi/src/config.ts): a renamed setting there is renamed here.
 */

/** What a function app receives about telemetry: nothing unless the stack was told where to send it. */
export interface AppTelemetry {
  readonly otlpEndpoint?: string | undefined;
  readonly applicationInsightsConnectionString?: string | undefined;
  readonly exportDelayMs?: number | undefined;
}

/** In Azure, Terraform creates collections and indexes (env/cosmos.tf); here each app creates its own. */
const localIndexes = { MONGODB_CREATE_INDEXES: 'true' };

export function appTelemetrySettings(telemetry: AppTelemetry | undefined): Record<string, string> {
  const settings: Record<string, string> = {};
  if (telemetry?.otlpEndpoint !== undefined) settings.OTEL_EXPORTER_OTLP_ENDPOINT = telemetry.otlpEndpoint;
  if (telemetry?.applicationInsightsConnectionString !== undefined) settings.APPLICATIONINSIGHTS_CONNECTION_STRING = telemetry.applicationInsightsConnectionString;
  if (telemetry?.exportDelayMs !== undefined) settings.OTEL_BSP_SCHEDULE_DELAY = String(telemetry.exportDelayMs);
  return settings;
}

export interface AuditAppSettings {
  readonly mongodbUri: string;
  readonly databaseName: string;
  readonly collectionName: string;
  readonly telemetry?: AppTelemetry | undefined;
}

/** The Audit API's settings (its config.ts). */
export function auditAppSettings(app: AuditAppSettings): Record<string, string> {
  return {
    ...appTelemetrySettings(app.telemetry),
    ...localIndexes,
    MONGODB_URI: app.mongodbUri,
    AUDIT_DATABASE_NAME: app.databaseName,
    AUDIT_COLLECTION_NAME: app.collectionName,
  };
}

export interface PatientTestsAppSettings {
  readonly mongodbUri: string;
  readonly databaseName: string;
  /** The Audit API's URL including its route prefix (`http://127.0.0.1:7072/api`). */
  readonly auditApiUrl: string;
  readonly keys: LocalKeys;
  readonly telemetry?: AppTelemetry | undefined;
}

/** The PatientTests API's settings (its config.ts): its database, the Audit API and its key, the gateway's key. */
export function patientTestsAppSettings(app: PatientTestsAppSettings): Record<string, string> {
  return {
    ...appTelemetrySettings(app.telemetry),
    ...localIndexes,
    MONGODB_URI: app.mongodbUri,
    PATIENT_TESTS_DATABASE_NAME: app.databaseName,
    AUDIT_API_URL: app.auditApiUrl,
    AUDIT_API_KEY: app.keys.auditFunctionKey,
    GATEWAY_FUNCTION_KEY: app.keys.gatewayFunctionKey,
  };
}
