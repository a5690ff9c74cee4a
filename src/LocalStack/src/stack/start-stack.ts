import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../database/embedded-database';
import { defaultRestartPolicy } from '../supervision/restart-policy';
import { SupervisedProcess } from '../supervision/supervised-process';
import type { AdmissionLimits } from '../gateway/admission-control';
import { gatewayTracing } from '../telemetry/gateway-tracing';
import { localApis, localIdentities } from '../identity/local-directory';
import { auditAppSettings, patientTestsAppSettings } from './app-settings';
import { signingKeyFile, startStackIdentity } from './stack-identity';
import { publishPatientApi } from './publish-patient-api';
import { startFunctionHost, type FunctionHostProcess } from './start-function-host';
import type { StackStatus } from './stack-status';
import type { RunningStack, StackOptions } from './stack-options';

export type { RunningStack, StackOptions, StackTelemetry } from './stack-options';

/**
 * Enough requests in flight to keep a 2-core machine busy, few enough that each finishes well within
 * the Audit API call's 2 s timeout; a second's queue absorbs bursts. `npm run bench` shows what they do
 * under overload (its last row); GATEWAY_MAX_* override them.
 */
export const defaultAdmissionLimits: AdmissionLimits = { maxConcurrent: 32, maxQueued: 256, maxQueueWaitMs: 1_000 };

/** Database role of each app on the embedded PostgreSQL cluster: each may use its own database only. */
export const appRoles = { patientTests: 'patient_tests_api', audit: 'audit_api' } as const;

/**
 * Starts the identity service (the tenant's stand-in), the database (unless one is given), each function
 * app in its own host process, and the gateway in front of the PatientTests API, then checks that each answers. Every process it starts is
 * supervised: restarted with backoff when it stops unexpectedly, and when one keeps failing the whole
 * stack stops. On a failed start, whatever was already started is stopped again.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const stoppers: (() => Promise<void>)[] = [];
  let stopped = false;
  const stop = async () => {
    stopped = true;
    for (const stopOne of stoppers.splice(0).reverse()) await stopOne().catch(() => undefined);
  };
  const log = options.log('supervisor');
  const onGiveUp = (reason: string) => {
    if (stopped) return;
    log(`stopping the stack: ${reason}`);
    void stop().then(() => options.onGiveUp?.(reason));
  };
  const policy = options.restartPolicy ?? defaultRestartPolicy;
  try {
    const stackIdentity = await startStackIdentity({ root: options.root, stateDirectory: options.stateDirectory, port: options.ports.identity ?? 0, tokenLifetimeSeconds: options.tokenLifetimeSeconds });
    const { service: identity, identityFor, gateway: gatewayIdentity } = stackIdentity;
    stoppers.push(() => identity.stop());
    let database: EmbeddedDatabase | undefined;
    let uris: { admin: string; patientTests: string; audit: string };
    if (options.mongodbUri === undefined) {
      database = await startEmbeddedDatabase({
        root: options.root,
        directory: options.stateDirectory,
        backend: options.database?.backend ?? 'postgresql',
        ports: { ferretdb: options.ports.ferretdb, postgresql: options.ports.postgresql ?? 0 },
        postgresqlBinDirectory: options.database?.postgresqlBinDirectory,
        roles: [
          { name: appRoles.patientTests, databases: [options.names.patientTestsDatabase] },
          { name: appRoles.audit, databases: [options.names.auditDatabase] },
        ],
        restartPolicy: policy,
        onGiveUp,
        log: options.log,
      });
      const started = database;
      stoppers.push(() => started.stop());
      uris = { admin: database.adminUri, patientTests: database.uriFor(appRoles.patientTests), audit: database.uriFor(appRoles.audit) };
    } else {
      uris = { admin: options.mongodbUri, patientTests: options.mongodbUri, audit: options.mongodbUri };
    }
    await pingDatabase(uris.admin);
    const supervise = (name: string, start: () => Promise<FunctionHostProcess>) => SupervisedProcess.start({ name, start, policy, log, onGiveUp });

    // A restarted host keeps its port: the gateway and the PatientTests app hold its address.
    let auditPort = options.ports.audit;
    const audit = await supervise('Audit API', async () => {
      const host = await startFunctionHost({
        appDirectory: join(options.root, 'src', 'AuditApi'),
        port: auditPort,
        settings: auditAppSettings({
          mongodbUri: uris.audit,
          databaseName: options.names.auditDatabase,
          collectionName: options.names.auditCollection,
          identity: identityFor('audit'),
          telemetry: options.telemetry,
        }),
        log: options.log('audit'),
      });
      auditPort = host.port;
      return host;
    });
    stoppers.push(() => audit.stop());
    const auditUrl = audit.running.url;
    // As an auditor would: a token of the auditors' group, which is all the read role is open to.
    const auditorToken = (await identity.tokens.issue(localIdentities.auditor, 'audit', 300)).token;
    await expectStatus(`${auditUrl}/api/auditrecords?resourceType=stack-check&limit=1`, auditorToken, 200);

    let patientTestsPort = options.ports.patientTests;
    const patientTests = await supervise('PatientTests API', async () => {
      const host = await startFunctionHost({
        appDirectory: join(options.root, 'src', 'PatientTestsApi'),
        port: patientTestsPort,
        settings: patientTestsAppSettings({
          mongodbUri: uris.patientTests,
          databaseName: options.names.patientTestsDatabase,
          auditApiUrl: `${auditUrl}/api`,
          identity: identityFor('patient_tests'),
          telemetry: options.telemetry,
        }),
        log: options.log('patient-tests'),
      });
      patientTestsPort = host.port;
      return host;
    });
    stoppers.push(() => patientTests.stop());
    const patientTestsUrl = patientTests.running.url;
    // The host listens only once the app has registered its functions; its home page has no side effects.
    await expectStatus(`${patientTestsUrl}/`, undefined, 200);

    const tracing = options.telemetry?.otlpEndpoint === undefined ? undefined : gatewayTracing(options.telemetry.otlpEndpoint, options.telemetry.exportDelayMs);
    if (tracing) stoppers.push(() => tracing.shutdown());
    const published = await publishPatientApi({
      root: options.root,
      keys: options.keys,
      patientTestsUrl,
      port: options.ports.gateway,
      admission: options.admission ?? defaultAdmissionLimits,
      callsPerWindow: options.callsPerWindow,
      tracer: tracing?.tracer,
      managedIdentity: gatewayIdentity,
    });
    stoppers.push(() => published.stop());
    const { gateway, port: gatewayPort } = published;

    const status: StackStatus = {
      gateway: {
        url: `http://127.0.0.1:${gatewayPort}`,
        subscriptionKey: options.keys.gatewaySubscriptionKey,
        secondSubscriptionKey: options.keys.secondSubscriptionKey,
        openApi: `http://127.0.0.1:${gatewayPort}/openapi/patient.json`,
        docs: `http://127.0.0.1:${gatewayPort}/docs/`,
      },
      patientTests: { url: patientTestsUrl, applicationId: localApis.patient_tests.clientId, database: options.names.patientTestsDatabase, mongodbUri: uris.patientTests },
      audit: { url: auditUrl, applicationId: localApis.audit.clientId, database: options.names.auditDatabase, collection: options.names.auditCollection, mongodbUri: uris.audit },
      identity: { url: identity.url, tenantId: identity.tenantId, keyFile: signingKeyFile(options.stateDirectory) },
      mongodbUri: uris.admin,
      telemetry: { otlpEndpoint: options.telemetry?.otlpEndpoint ?? null, applicationInsights: options.telemetry?.applicationInsightsConnectionString !== undefined },
      embeddedDatabase: database === undefined ? false : database.backend,
      startedAt: new Date().toISOString(),
    };
    return { status, audit, patientTests, database, identity, identityFor, gatewayIdentity, gateway, stop };
  } catch (error: unknown) {
    await stop();
    throw error;
  }
}

async function pingDatabase(uri: string): Promise<void> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}

async function expectStatus(url: string, token: string | undefined, expected: number): Promise<void> {
  const response = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  if (response.status !== expected) throw new Error(`${new URL(url).pathname} answered ${response.status} to its start-up check`);
}
