import { holderKindsOf, holderSettingName } from '@patient-tests/shared/config';
import { holderKinds, localApis, localIdentities, localTenantId, type ApiName, type AppRoles } from '../identity/local-directory';

/**
 * The app settings the stack hands each function app, as Azure's app settings do (env/functions.tf), plus
 * what the platform sets on every app with a managed identity (IDENTITY_ENDPOINT, IDENTITY_HEADER). Their
 * names and values must be ones the app's config.ts decodes (src/AuditApi/src/config.ts,
 * src/PatientTestsApi/src/config.ts): a renamed setting there is renamed here.
 */

/** What a function app receives about telemetry: nothing unless the stack was told where to send it. */
export interface AppTelemetry {
  readonly otlpEndpoint?: string | undefined;
  readonly applicationInsightsConnectionString?: string | undefined;
  readonly exportDelayMs?: number | undefined;
}

/** Where an app's tokens come from and how its callers' tokens are checked: the local identity service. */
export interface AppIdentity {
  /** The issuer's authority (AUTH_AUTHORITY): `http://127.0.0.1:<port>`. */
  readonly authority: string;
  /** The managed identity endpoint (IDENTITY_ENDPOINT) and this app's secret for it (IDENTITY_HEADER). */
  readonly endpoint: string;
  readonly header: string;
  /** The app's role declaration (functions/app-roles.json), whose holders become AUTH_<KIND>_OBJECT_IDS. */
  readonly appRoles: AppRoles;
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

/**
 * How an app checks its callers (its own application id as the audience, the local tenant and issuer, the
 * object ids of each kind of role holder) and reaches its managed identity, as env/functions.tf sets them.
 */
export function appIdentitySettings(api: ApiName, identity: AppIdentity): Record<string, string> {
  return {
    AUTH_TENANT_ID: localTenantId,
    AUTH_APPLICATION_ID: localApis[api].clientId,
    AUTH_AUTHORITY: identity.authority,
    ...Object.fromEntries(holderKindsOf(identity.appRoles).map((kind) => [holderSettingName(kind), (holderKinds[kind] ?? []).join(',')])),
    IDENTITY_ENDPOINT: identity.endpoint,
    IDENTITY_HEADER: identity.header,
  };
}

export interface AuditAppSettings {
  readonly mongodbUri: string;
  readonly databaseName: string;
  readonly collectionName: string;
  readonly identity: AppIdentity;
  readonly telemetry?: AppTelemetry | undefined;
}

/** The Audit API's settings (its config.ts). */
export function auditAppSettings(app: AuditAppSettings): Record<string, string> {
  return {
    ...appTelemetrySettings(app.telemetry),
    ...localIndexes,
    ...appIdentitySettings('audit', app.identity),
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
  readonly identity: AppIdentity;
  readonly telemetry?: AppTelemetry | undefined;
}

/** The PatientTests API's settings (its config.ts): its database, and the Audit API with the identity that calls it. */
export function patientTestsAppSettings(app: PatientTestsAppSettings): Record<string, string> {
  return {
    ...appTelemetrySettings(app.telemetry),
    ...localIndexes,
    ...appIdentitySettings('patient_tests', app.identity),
    MONGODB_URI: app.mongodbUri,
    PATIENT_TESTS_DATABASE_NAME: app.databaseName,
    AUDIT_API_URL: app.auditApiUrl,
    AUDIT_API_APPLICATION_ID: localApis.audit.clientId,
    MANAGED_IDENTITY_CLIENT_ID: localIdentities.patientTests.clientId,
  };
}
