import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * What clients, tests and load tests read to find the running stack (`.local/stack.json`, ignored). It holds
 * no credential that opens a backend: a token for one is minted on demand (`npm run token`), short-lived.
 */
export interface StackStatus {
  readonly gateway: { readonly url: string; readonly subscriptionKey: string; readonly secondSubscriptionKey: string; readonly openApi: string; readonly docs: string };
  /** `applicationId`: the audience of tokens for the API. `mongodbUri`: the app's own database credential (a role that reaches its database only). */
  readonly patientTests: { readonly url: string; readonly applicationId: string; readonly database: string; readonly mongodbUri: string };
  readonly audit: {
    readonly url: string;
    readonly applicationId: string;
    readonly database: string;
    readonly collection: string;
    readonly mongodbUri: string;
  };
  /** The local identity service: the authority of its tokens and its tenant; its signing keys stay in `keyFile`. */
  readonly identity: { readonly url: string; readonly tenantId: string; readonly keyFile: string };
  /** Full access: for tools, benchmarks and looking around (the embedded cluster's superuser). */
  readonly mongodbUri: string;
  /**
   * Where the signals an operator watches in Azure (docs/operations.md) go locally: the OTLP endpoint traces go
   * to (none: telemetry is off), and whether App Insights gets them too.
   */
  readonly telemetry: { readonly otlpEndpoint: string | null; readonly applicationInsights: boolean };
  /** The embedded FerretDB's backend, or false when MONGODB_URI names another database. */
  readonly embeddedDatabase: 'postgresql' | 'sqlite' | false;
  readonly startedAt: string;
}

export function writeStackStatus(path: string, status: StackStatus): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(status, null, 2)}\n`, { mode: 0o600 });
}

/** The banner shows where things are; a password inside a custom MONGODB_URI is masked. */
export function formatBanner(status: StackStatus, statusPath: string): string {
  const rows = [
    ['gateway (APIM stand-in)', status.gateway.url],
    ['  subscription key', status.gateway.subscriptionKey],
    ['  second client\'s key', status.gateway.secondSubscriptionKey],
    ['  PatientTests API', `${status.gateway.url}/patient`],
    ['  OpenAPI document', status.gateway.openApi],
    ['  interactive API docs', status.gateway.docs],
    ['PatientTests API (behind the gateway)', `${status.patientTests.url}/api`],
    ['  database', status.patientTests.database],
    ['Audit API (internal)', `${status.audit.url}/api`],
    ['  database', `${status.audit.database}.${status.audit.collection}`],
    ['identity service (Entra stand-in)', status.identity.url],
    ['  a token for a direct call', 'npm run --silent token -- operator     (PatientTests API, as a system allowed to call it)'],
    ['  a token for the audit register', 'npm run --silent token -- auditor      (Audit API, read)'],
    ['database', `${redactPassword(status.mongodbUri)}${status.embeddedDatabase === false ? '' : ` (embedded FerretDB on ${status.embeddedDatabase === 'postgresql' ? 'PostgreSQL; each app has a role of its own' : 'SQLite'})`}`],
    ['status file', statusPath],
    // What docs/operations.md's alerts watch in Azure, and where the same signals are here.
    ['operations (docs/operations.md)', ''],
    ['  traces (App Insights in Azure)', telemetryTarget(status.telemetry)],
    ['  logs', 'this console, one line per event, prefixed [gateway] [patient-tests] [audit] [identity] [ferretdb] [postgresql]'],
    ['  5xx, audit refusals, latency', 'the gateway\'s and the apps\' request spans (traces above; status 503 on PatientTests = an audit refused)'],
  ];
  const width = Math.max(...rows.map(([label = '']) => label.length));
  return ['', 'Local stack is ready:', ...rows.map(([label = '', value = '']) => `  ${label.padEnd(width)}  ${value}`), '', 'Press Ctrl-C to stop.', ''].join('\n');
}

function telemetryTarget(telemetry: StackStatus['telemetry']): string {
  const sinks = [
    ...(telemetry.otlpEndpoint === null ? [] : [`OTLP ${telemetry.otlpEndpoint}`]),
    ...(telemetry.applicationInsights ? ['App Insights (APPLICATIONINSIGHTS_CONNECTION_STRING)'] : []),
  ];
  return sinks.length > 0 ? sinks.join(' and ') : 'off: set OTEL_EXPORTER_OTLP_ENDPOINT (docs/distributed_telemetry.md)';
}

export function redactPassword(uri: string): string {
  return uri.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:****@');
}
