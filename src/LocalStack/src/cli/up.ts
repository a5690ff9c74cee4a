// `npm start`: brings the local stack up on loopback and keeps it running until Ctrl-C.
import { join } from 'node:path';
import { decodeEnvironment, setting } from '@patient-tests/shared/config';
import { z } from 'zod';
import { defaultRestartPolicy } from '../supervision/restart-policy';
import { loadOrCreateKeys } from '../stack/local-keys';
import { repositoryRoot } from '../stack/repository-root';
import { defaultAdmissionLimits, startStack, type RunningStack } from '../stack/start-stack';
import { formatBanner, writeStackStatus } from '../stack/stack-status';
import { claimStackFolder } from '../supervision/stack-lock';

const settings = decodeEnvironment(
  {
    MONGODB_URI: setting.mongodbUri().optional(),
    // Where keys, the status file and the embedded database live; tests point a second stack elsewhere.
    LOCAL_STACK_DIR: setting.optionalString(1024),
    GATEWAY_PORT: setting.integer(0, 65_535, 7070),
    PATIENT_TESTS_PORT: setting.integer(0, 65_535, 7071),
    AUDIT_PORT: setting.integer(0, 65_535, 7072),
    FERRETDB_PORT: setting.integer(1, 65_535, 27027),
    // The embedded database: FerretDB on a private PostgreSQL cluster in .local/postgresql (default), or
    // on SQLite (no PostgreSQL needed, but every read scans its collection and there are no per-app roles).
    FERRETDB_BACKEND: z.enum(['postgresql', 'sqlite']).default('postgresql'),
    POSTGRESQL_PORT: setting.integer(0, 65_535, 27028),
    // Where initdb and postgres are, when neither /usr/lib/postgresql/<version>/bin nor PATH has them.
    POSTGRESQL_BIN_DIR: setting.optionalString(1024),
    // Supervision: a process that stops unexpectedly is restarted with backoff; after this many
    // restarts within the window, the stack stops and exits with 1.
    STACK_MAX_RESTARTS: setting.integer(0, 100, defaultRestartPolicy.maxRestarts),
    STACK_RESTART_WINDOW_SECONDS: setting.integer(1, 3_600, defaultRestartPolicy.windowMs / 1000),
    AUDIT_DATABASE_NAME: setting.databaseName('audit'),
    AUDIT_COLLECTION_NAME: setting.databaseName('auditrecords'),
    PATIENT_TESTS_DATABASE_NAME: setting.databaseName('patienttests'),
    GATEWAY_SUBSCRIPTION_KEY: setting.optionalString(),
    GATEWAY_SECOND_SUBSCRIPTION_KEY: setting.optionalString(),
    // The identity service (the Entra stand-in: managed identity endpoint, issuer and keys) on loopback.
    IDENTITY_PORT: setting.integer(0, 65_535, 7073),
    // The gateway's admission control: requests in flight, requests waiting, and how long they may wait
    // (docs/resilience.md, "Saturation"); beyond them, 503 with Retry-After at once.
    GATEWAY_MAX_CONCURRENT_REQUESTS: setting.integer(1, 100_000, defaultAdmissionLimits.maxConcurrent),
    GATEWAY_MAX_QUEUED_REQUESTS: setting.integer(0, 1_000_000, defaultAdmissionLimits.maxQueued),
    GATEWAY_MAX_QUEUE_WAIT_MS: setting.integer(0, 60_000, defaultAdmissionLimits.maxQueueWaitMs),
    // Overrides the APIM policy's calls per window (env/policies/patient-api.xml); the benchmark uses it.
    GATEWAY_CALLS_PER_WINDOW: setting.optionalInteger(1, 1_000_000_000),
    // Telemetry is off unless one of these is set (docs/distributed_telemetry.md).
    OTEL_EXPORTER_OTLP_ENDPOINT: setting.httpUrl().optional(),
    APPLICATIONINSIGHTS_CONNECTION_STRING: setting.optionalString(2048),
  },
  process.env,
);

async function main(): Promise<void> {
  const root = repositoryRoot();
  const stateDirectory = settings.LOCAL_STACK_DIR ?? join(root, '.local');
  const statusPath = join(stateDirectory, 'stack.json');
  const keys = loadOrCreateKeys(join(stateDirectory, 'keys.json'), {
    gatewaySubscriptionKey: settings.GATEWAY_SUBSCRIPTION_KEY,
    secondSubscriptionKey: settings.GATEWAY_SECOND_SUBSCRIPTION_KEY,
  });
  try {
    const release = claimStackFolder(stateDirectory, process.argv[1] ?? '');
    process.on('exit', release);
  } catch (error: unknown) {
    process.stderr.write(`The local stack could not start: ${error instanceof Error ? error.message : String(error)}.\n`);
    process.exit(1);
  }
  // Signals are handled from the first moment: Ctrl-C during start-up must not orphan what has started.
  let stack: RunningStack | undefined;
  let stopping = false;
  let exitCode = 0;
  const shutDown = (code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    // Before start-up has settled, main() stops the stack (or startStack cleans up after itself).
    if (stack) void stack.stop().then(() => process.exit(code));
  };
  process.once('SIGINT', () => { shutDown(0); });
  process.once('SIGTERM', () => { shutDown(0); });
  try {
    stack = await startStack({
      root,
      stateDirectory,
      mongodbUri: settings.MONGODB_URI,
      ports: { gateway: settings.GATEWAY_PORT, patientTests: settings.PATIENT_TESTS_PORT, audit: settings.AUDIT_PORT, ferretdb: settings.FERRETDB_PORT, postgresql: settings.POSTGRESQL_PORT, identity: settings.IDENTITY_PORT },
      database: { backend: settings.FERRETDB_BACKEND, postgresqlBinDirectory: settings.POSTGRESQL_BIN_DIR },
      restartPolicy: { ...defaultRestartPolicy, maxRestarts: settings.STACK_MAX_RESTARTS, windowMs: settings.STACK_RESTART_WINDOW_SECONDS * 1000 },
      // The stack has already stopped itself; leave with the failure's exit code.
      onGiveUp: (reason) => {
        process.stderr.write(`The local stack stopped: ${reason}.\n`);
        process.exit(1);
      },
      keys,
      names: { auditDatabase: settings.AUDIT_DATABASE_NAME, auditCollection: settings.AUDIT_COLLECTION_NAME, patientTestsDatabase: settings.PATIENT_TESTS_DATABASE_NAME },
      log: (source) => (line) => { process.stderr.write(`[${source}] ${line}\n`); },
      callsPerWindow: settings.GATEWAY_CALLS_PER_WINDOW,
      admission: { maxConcurrent: settings.GATEWAY_MAX_CONCURRENT_REQUESTS, maxQueued: settings.GATEWAY_MAX_QUEUED_REQUESTS, maxQueueWaitMs: settings.GATEWAY_MAX_QUEUE_WAIT_MS },
      telemetry: {
        otlpEndpoint: settings.OTEL_EXPORTER_OTLP_ENDPOINT,
        applicationInsightsConnectionString: settings.APPLICATIONINSIGHTS_CONNECTION_STRING,
      },
    });
  } catch (error: unknown) {
    process.stderr.write(`The local stack could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  // A signal handler may have set `stopping` while start-up was awaited; the type checker cannot see that.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  if (stopping) {
    await stack.stop();
    process.exit(exitCode);
  }
  writeStackStatus(statusPath, stack.status);
  process.stdout.write(formatBanner(stack.status, statusPath));
  // From the start of this process; `npm start` adds the install and build checks before it.
  process.stdout.write(`Started in ${process.uptime().toFixed(1)} s.\n`);
}

void main();
