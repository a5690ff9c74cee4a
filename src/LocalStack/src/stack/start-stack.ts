import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { ferretDbBinary, startFerretDb, type RunningFerretDb } from '../database/ferretdb';
import { readApiLimits, type ApiLimits } from '../gateway/api-policy';
import { createGateway } from '../gateway/gateway';
import type { LocalKeys } from './local-keys';
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

    const audit = await startFunctionHost({
      appDirectory: join(options.root, 'src', 'AuditApi'),
      port: options.ports.audit,
      functionKeys: [options.keys.auditFunctionKey],
      settings: { MONGODB_URI: mongodbUri, AUDIT_DATABASE_NAME: options.names.auditDatabase, AUDIT_COLLECTION_NAME: options.names.auditCollection },
      log: options.log('audit'),
    });
    stoppers.push(() => audit.stop());
    await expectStatus(`${audit.url}/api/auditrecords?resourceType=stack-check&limit=1`, options.keys.auditFunctionKey, 200);

    const patientTests = await startFunctionHost({
      appDirectory: join(options.root, 'src', 'PatientTestsApi'),
      port: options.ports.patientTests,
      functionKeys: [options.keys.patientTestsFunctionKey],
      settings: {
        MONGODB_URI: mongodbUri,
        PATIENT_TESTS_DATABASE_NAME: options.names.patientTestsDatabase,
        AUDIT_API_URL: `${audit.url}/api`,
        AUDIT_API_KEY: options.keys.auditFunctionKey,
      },
      log: options.log('patient-tests'),
    });
    stoppers.push(() => patientTests.stop());
    // The host listens only once the app has registered its functions; its home page has no side effects.
    await expectStatus(`${patientTests.url}/`, options.keys.patientTestsFunctionKey, 200);

    const gateway = createGateway({
      subscriptionKeys: [options.keys.gatewaySubscriptionKey],
      apis: [{ path: 'patient', backendUrl: `${patientTests.url}/api/patient`, functionKey: options.keys.patientTestsFunctionKey }],
      documents: [{
        path: '/openapi/patient.json',
        contentType: 'application/json',
        body: readFileSync(join(options.root, 'src', 'PatientTestsApi', 'openapi.json'), 'utf8'),
      }],
      limits: withCallsPerWindow(readApiLimits(join(options.root, 'env', 'policies', 'patient-api.xml')), options.callsPerWindow),
    });
    gateway.listen(options.ports.gateway, '127.0.0.1');
    await once(gateway, 'listening');
    stoppers.push(() => new Promise((done) => { gateway.close(() => { done(); }); gateway.closeAllConnections(); }));
    const address = gateway.address();
    const gatewayPort = typeof address === 'object' && address ? address.port : options.ports.gateway;

    const status: StackStatus = {
      gateway: { url: `http://127.0.0.1:${gatewayPort}`, subscriptionKey: options.keys.gatewaySubscriptionKey, openApi: `http://127.0.0.1:${gatewayPort}/openapi/patient.json` },
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

function withCallsPerWindow(limits: ApiLimits, callsPerWindow: number | undefined): ApiLimits {
  return callsPerWindow === undefined ? limits : { ...limits, callsPerWindow };
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
