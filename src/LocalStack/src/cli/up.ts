// `npm start`: brings the local stack up on loopback and keeps it running until Ctrl-C.
import { once } from 'node:events';
import { join } from 'node:path';
import { decodeEnvironment, setting } from '@patient-tests/shared';
import { MongoClient } from 'mongodb';
import { ferretDbBinary, startFerretDb, type RunningFerretDb } from '../database/ferretdb';
import { createGateway } from '../gateway/gateway';
import { loadOrCreateKeys } from '../stack/local-keys';
import { startFunctionHost, type FunctionHostProcess } from '../stack/start-function-host';
import { repositoryRoot } from '../stack/repository-root';
import { formatBanner, writeStackStatus, type StackStatus } from '../stack/stack-status';

const root = repositoryRoot();
const settings = decodeEnvironment(
  {
    MONGODB_URI: setting.mongodbUri().optional(),
    // Where keys, the status file and the embedded database live; tests point a second stack elsewhere.
    LOCAL_STACK_DIR: setting.optionalString(1024),
    GATEWAY_PORT: setting.integer(0, 65_535, 7070),
    AUDIT_PORT: setting.integer(0, 65_535, 7072),
    FERRETDB_PORT: setting.integer(1, 65_535, 27027),
    AUDIT_DATABASE_NAME: setting.databaseName('audit'),
    AUDIT_COLLECTION_NAME: setting.databaseName('auditrecords'),
    GATEWAY_SUBSCRIPTION_KEY: setting.optionalString(),
    AUDIT_FUNCTION_KEY: setting.optionalString(),
    PATIENT_TESTS_FUNCTION_KEY: setting.optionalString(),
  },
  process.env,
);
const log = (source: string) => (line: string) => { process.stderr.write(`[${source}] ${line}\n`); };

async function main(): Promise<void> {
  const stateDirectory = settings.LOCAL_STACK_DIR ?? join(root, '.local');
  const statusPath = join(stateDirectory, 'stack.json');
  const keys = loadOrCreateKeys(join(stateDirectory, 'keys.json'), {
    gatewaySubscriptionKey: settings.GATEWAY_SUBSCRIPTION_KEY,
    auditFunctionKey: settings.AUDIT_FUNCTION_KEY,
    patientTestsFunctionKey: settings.PATIENT_TESTS_FUNCTION_KEY,
  });
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(0)));

  try {
    let ferret: RunningFerretDb | undefined;
    let mongodbUri = settings.MONGODB_URI;
    if (mongodbUri === undefined) {
      ferret = await startFerretDb({ binary: ferretDbBinary(root), dataDirectory: join(stateDirectory, 'ferretdb'), port: settings.FERRETDB_PORT, log: log('ferretdb') });
      stoppers.push(() => ferret?.stop() ?? Promise.resolve());
      mongodbUri = ferret.uri;
    }
    await pingDatabase(mongodbUri);

    const audit = await startFunctionHost({
      appDirectory: join(root, 'src', 'AuditApi'),
      port: settings.AUDIT_PORT,
      functionKeys: [keys.auditFunctionKey],
      settings: { MONGODB_URI: mongodbUri, AUDIT_DATABASE_NAME: settings.AUDIT_DATABASE_NAME, AUDIT_COLLECTION_NAME: settings.AUDIT_COLLECTION_NAME },
      log: log('audit'),
    });
    stoppers.push(() => audit.stop());
    watchForCrash(audit, 'Audit API', stopAll);
    await checkAuditAnswers(audit, keys.auditFunctionKey);

    // The PatientTests API is published here once it exists; the Audit API never is, as in Azure.
    const gateway = createGateway({ subscriptionKeys: [keys.gatewaySubscriptionKey], apis: [], backendTimeoutMs: 30_000 });
    gateway.listen(settings.GATEWAY_PORT, '127.0.0.1');
    await once(gateway, 'listening');
    const gatewayAddress = gateway.address();
    const gatewayPort = typeof gatewayAddress === 'object' && gatewayAddress ? gatewayAddress.port : settings.GATEWAY_PORT;
    stoppers.push(() => new Promise((done) => { gateway.close(() => { done(); }); gateway.closeAllConnections(); }));

    const status: StackStatus = {
      gateway: { url: `http://127.0.0.1:${gatewayPort}`, subscriptionKey: keys.gatewaySubscriptionKey },
      audit: { url: audit.url, functionKey: keys.auditFunctionKey, database: settings.AUDIT_DATABASE_NAME, collection: settings.AUDIT_COLLECTION_NAME },
      mongodbUri,
      embeddedDatabase: ferret !== undefined,
      startedAt: new Date().toISOString(),
    };
    writeStackStatus(statusPath, status);
    process.stdout.write(formatBanner(status, statusPath));
  } catch (error: unknown) {
    process.stderr.write(`The local stack could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    await stopAll();
    process.exit(1);
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

/** A real request, which also makes the app create its indexes before the first client arrives. */
async function checkAuditAnswers(audit: FunctionHostProcess, key: string): Promise<void> {
  const response = await fetch(`${audit.url}/api/auditrecords?resourceType=stack-check&limit=1`, { headers: { 'x-functions-key': key } });
  if (response.status !== 200) throw new Error(`the Audit API answered ${response.status} to its start-up check`);
}

function watchForCrash(host: FunctionHostProcess, name: string, stopAll: () => Promise<void>): void {
  host.process.once('exit', (code, signal) => {
    if (signal === 'SIGTERM') return;
    process.stderr.write(`${name} stopped unexpectedly (code ${code ?? 'null'}); stopping the stack.\n`);
    void stopAll().then(() => process.exit(1));
  });
}

void main();
