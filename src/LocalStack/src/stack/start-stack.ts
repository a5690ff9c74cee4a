import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { ferretDbBinary, startFerretDb, type RunningFerretDb } from '../database/ferretdb';
import { patientApiPolicyFile, readApiPolicy, type ApiPolicy } from '../gateway/api-policy';
import { createGateway } from '../gateway/gateway';
import { apiDocsDocuments } from '../gateway/api-docs';
import type { GatewaySubscription } from '../gateway/gateway-config';
import type { LocalKeys } from './local-keys';
import { gatewayTracing } from '../telemetry/gateway-tracing';
import { startFunctionHost, type FunctionHostProcess } from './start-function-host';
import type { StackStatus } from './stack-status';

export interface StackOptions {
  readonly root: string;
  readonly stateDirectory: string;
  /** Another MongoDB to use; when absent, an embedded FerretDB is started. */
  readonly mongodbUri?: string | undefined;
  /** 0 lets the OS pick (the FerretDB port must be a real one). */
  readonly ports: { readonly gateway: number; readonly patientTests: number; readonly audit: number; readonly ferretdb: number };
  readonly keys: LocalKeys;
  readonly names: { readonly auditDatabase: string; readonly auditCollection: string; readonly patientTestsDatabase: string };
  readonly log: (source: string) => (line: string) => void;
  /** Replaces the policy's calls per window; for benchmarks, which measure throughput, not the limit. */
  readonly callsPerWindow?: number | undefined;
  readonly telemetry?: StackTelemetry | undefined;
}

/** Where the stack's spans go. Without it, nothing is recorded and nothing is sent. */
export interface StackTelemetry {
  /** An OTLP/HTTP receiver (a collector, Jaeger), e.g. `http://127.0.0.1:4318`; every process sends there. */
  readonly otlpEndpoint?: string | undefined;
  /** Handed to both apps, which then also send to App Insights (the gateway stays on OTLP only). */
  readonly applicationInsightsConnectionString?: string | undefined;
  /** How long spans wait in a batch before they are sent (tests shorten it). */
  readonly exportDelayMs?: number | undefined;
}

export interface RunningStack {
  readonly status: StackStatus;
  readonly audit: FunctionHostProcess;
  readonly patientTests: FunctionHostProcess;
  readonly gateway: Server;
  /** Stops everything this stack started, newest first. */
  stop(): Promise<void>;
}

/**
 * Starts the database (unless one is given), each function app in its own host process, and the
 * gateway in front of the PatientTests API, then checks that each answers. On failure, whatever was
 * already started is stopped again.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.splice(0).reverse()) await stopOne().catch(() => undefined);
  };
  try {
    let ferret: RunningFerretDb | undefined;
    let mongodbUri = options.mongodbUri;
    if (mongodbUri === undefined) {
      ferret = await startFerretDb({
        binary: ferretDbBinary(options.root),
        dataDirectory: join(options.stateDirectory, 'ferretdb'),
        port: options.ports.ferretdb,
        log: options.log('ferretdb'),
      });
      const started = ferret;
      stoppers.push(() => started.stop());
      mongodbUri = ferret.uri;
    }
    await pingDatabase(mongodbUri);
    const telemetrySettings = appTelemetrySettings(options.telemetry);

    const audit = await startFunctionHost({
      appDirectory: join(options.root, 'src', 'AuditApi'),
      port: options.ports.audit,
      functionKeys: [options.keys.auditFunctionKey],
      settings: { ...telemetrySettings, ...localIndexes, MONGODB_URI: mongodbUri, AUDIT_DATABASE_NAME: options.names.auditDatabase, AUDIT_COLLECTION_NAME: options.names.auditCollection },
      log: options.log('audit'),
    });
    stoppers.push(() => audit.stop());
    await expectStatus(`${audit.url}/api/auditrecords?resourceType=stack-check&limit=1`, options.keys.auditFunctionKey, 200);

    const patientTests = await startFunctionHost({
      appDirectory: join(options.root, 'src', 'PatientTestsApi'),
      port: options.ports.patientTests,
      // Two keys, as in Azure: the one for direct calls, and the one only the gateway presents.
      functionKeys: [options.keys.patientTestsFunctionKey, options.keys.gatewayFunctionKey],
      settings: {
        ...telemetrySettings,
        ...localIndexes,
        MONGODB_URI: mongodbUri,
        PATIENT_TESTS_DATABASE_NAME: options.names.patientTestsDatabase,
        AUDIT_API_URL: `${audit.url}/api`,
        AUDIT_API_KEY: options.keys.auditFunctionKey,
        GATEWAY_FUNCTION_KEY: options.keys.gatewayFunctionKey,
      },
      log: options.log('patient-tests'),
    });
    stoppers.push(() => patientTests.stop());
    // The host listens only once the app has registered its functions; its home page has no side effects.
    await expectStatus(`${patientTests.url}/`, options.keys.patientTestsFunctionKey, 200);

    const tracing = options.telemetry?.otlpEndpoint === undefined ? undefined : gatewayTracing(options.telemetry.otlpEndpoint, options.telemetry.exportDelayMs);
    if (tracing) stoppers.push(() => tracing.shutdown());
    const openApi = readFileSync(join(options.root, 'src', 'PatientTestsApi', 'openapi.json'), 'utf8');
    const gateway = createGateway({
      subscriptions: localSubscriptions(options.keys),
      apis: [{
        path: 'patient',
        backendUrl: `${patientTests.url}/api/patient`,
        operations: Object.keys((JSON.parse(openApi) as { paths: Record<string, unknown> }).paths),
      }],
      documents: [
        { path: '/openapi/patient.json', contentType: 'application/json', body: openApi },
        ...apiDocsDocuments({ basePath: '/docs', openApiPath: '/openapi/patient.json', subscriptionKey: options.keys.gatewaySubscriptionKey }),
      ],
      tracer: tracing?.tracer,
      policy: withCallsPerWindow(readApiPolicy(patientApiPolicyFile(options.root)), options.callsPerWindow),
      // APIM reads this named value from Key Vault (env/apim.tf); here it is the gateway's local key.
      namedValues: { 'patient-tests-function-key': options.keys.gatewayFunctionKey },
    });
    gateway.listen(options.ports.gateway, '127.0.0.1');
    await once(gateway, 'listening');
    stoppers.push(() => new Promise((done) => { gateway.close(() => { done(); }); gateway.closeAllConnections(); }));
    const address = gateway.address();
    const gatewayPort = typeof address === 'object' && address ? address.port : options.ports.gateway;

    const status: StackStatus = {
      gateway: {
        url: `http://127.0.0.1:${gatewayPort}`,
        subscriptionKey: options.keys.gatewaySubscriptionKey,
        secondSubscriptionKey: options.keys.secondSubscriptionKey,
        openApi: `http://127.0.0.1:${gatewayPort}/openapi/patient.json`,
        docs: `http://127.0.0.1:${gatewayPort}/docs/`,
      },
      patientTests: { url: patientTests.url, functionKey: options.keys.patientTestsFunctionKey, database: options.names.patientTestsDatabase },
      audit: { url: audit.url, functionKey: options.keys.auditFunctionKey, database: options.names.auditDatabase, collection: options.names.auditCollection },
      mongodbUri,
      embeddedDatabase: ferret !== undefined,
      startedAt: new Date().toISOString(),
    };
    return { status, audit, patientTests, gateway, stop };
  } catch (error: unknown) {
    await stop();
    throw error;
  }
}

/** In Azure, Terraform creates collections and indexes (env/cosmos.tf); here each app creates its own. */
const localIndexes = { MONGODB_CREATE_INDEXES: 'true' };

/**
 * The local clients: two subscriptions of the product, as API Management would hold them, so that two
 * callers are two actors in the audit register.
 */
function localSubscriptions(keys: LocalKeys): GatewaySubscription[] {
  return [
    { id: 'local-client', name: 'Local client', productId: localProductId, key: keys.gatewaySubscriptionKey },
    // A display name beyond Latin-1, as a developer portal user may choose one: the policy sends it
    // percent-encoded and the app decodes it (docs/patient-tests-api.md, "Who: the actor").
    { id: 'local-second-client', name: 'Second local client, Zürich 東京', productId: localProductId, key: keys.secondSubscriptionKey },
  ];
}

/** The product our subscriptions belong to (`azurerm_api_management_product.clients` in env/apim.tf). */
const localProductId = 'patient-tests-clients';

/** What a function app receives about telemetry: nothing unless the stack was told where to send it. */
function appTelemetrySettings(telemetry: StackTelemetry | undefined): Record<string, string> {
  const settings: Record<string, string> = {};
  if (telemetry?.otlpEndpoint !== undefined) settings.OTEL_EXPORTER_OTLP_ENDPOINT = telemetry.otlpEndpoint;
  if (telemetry?.applicationInsightsConnectionString !== undefined) settings.APPLICATIONINSIGHTS_CONNECTION_STRING = telemetry.applicationInsightsConnectionString;
  if (telemetry?.exportDelayMs !== undefined) settings.OTEL_BSP_SCHEDULE_DELAY = String(telemetry.exportDelayMs);
  return settings;
}

function withCallsPerWindow(policy: ApiPolicy, callsPerWindow: number | undefined): ApiPolicy {
  return callsPerWindow === undefined ? policy : { ...policy, limits: { ...policy.limits, callsPerWindow } };
}

async function pingDatabase(uri: string): Promise<void> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}

async function expectStatus(url: string, key: string, expected: number): Promise<void> {
  const response = await fetch(url, { headers: { 'x-functions-key': key } });
  await response.arrayBuffer();
  if (response.status !== expected) throw new Error(`${new URL(url).pathname} answered ${response.status} to its start-up check`);
}
