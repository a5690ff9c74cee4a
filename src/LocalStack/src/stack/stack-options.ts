import type { Server } from 'node:http';
import type { EmbeddedDatabase, FerretDbBackend } from '../database/embedded-database';
import type { AdmissionLimits } from '../gateway/admission-control';
import type { GatewayManagedIdentity } from '../gateway/backend-token';
import type { RunningIdentityService } from '../identity/identity-service';
import type { ApiName } from '../identity/local-directory';
import type { AppIdentity } from './app-settings';
import type { RestartPolicySettings } from '../supervision/restart-policy';
import type { SupervisedProcess } from '../supervision/supervised-process';
import type { LocalKeys } from './local-keys';
import type { FunctionHostProcess } from './start-function-host';
import type { StackStatus } from './stack-status';

/** What startStack (start-stack.ts) is given, and what it hands back. */

export interface StackOptions {
  readonly root: string;
  readonly stateDirectory: string;
  /** Another MongoDB to use; when absent, an embedded FerretDB is started. */
  readonly mongodbUri?: string | undefined;
  /** 0 lets the OS pick (the FerretDB port must be a real one); PostgreSQL's defaults to 0. */
  readonly ports: { readonly gateway: number; readonly patientTests: number; readonly audit: number; readonly ferretdb: number; readonly postgresql?: number; readonly identity?: number };
  /** The embedded database: FerretDB on a private PostgreSQL cluster (default) or on SQLite. */
  readonly database?: { readonly backend?: FerretDbBackend; readonly postgresqlBinDirectory?: string | undefined } | undefined;
  /** How processes that stop unexpectedly are restarted, and when the stack gives up. */
  readonly restartPolicy?: RestartPolicySettings | undefined;
  /** Called when a process kept failing: the stack has stopped itself (npm start then exits with 1). */
  readonly onGiveUp?: ((reason: string) => void) | undefined;
  readonly keys: LocalKeys;
  readonly names: { readonly auditDatabase: string; readonly auditCollection: string; readonly patientTestsDatabase: string };
  readonly log: (source: string) => (line: string) => void;
  /** The gateway's admission control (requests in flight and queued); default `defaultAdmissionLimits`. */
  readonly admission?: AdmissionLimits | undefined;
  /** Replaces the policy's calls per window; for benchmarks, which measure throughput, not the limit. */
  readonly callsPerWindow?: number | undefined;
  readonly telemetry?: StackTelemetry | undefined;
  /** How long the managed identities' tokens last (1 hour by default; tests shorten it). */
  readonly tokenLifetimeSeconds?: number | undefined;
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
  /** Each host is supervised: `.process` is the one running now, `.restarts` how often it came back. */
  readonly audit: SupervisedProcess<FunctionHostProcess>;
  readonly patientTests: SupervisedProcess<FunctionHostProcess>;
  /** Absent when MONGODB_URI names another database. */
  readonly database: EmbeddedDatabase | undefined;
  /** The tenant's stand-in: managed identity endpoint, issuer, keys (identity/identity-service.ts). */
  readonly identity: RunningIdentityService;
  /** What an app of this stack is told about its identity and its callers' tokens (for a test's own host of it). */
  readonly identityFor: (api: ApiName) => AppIdentity;
  /** The gateway's managed identity (API Management's), for a test's own gateway in front of a host. */
  readonly gatewayIdentity: GatewayManagedIdentity;
  readonly gateway: Server;
  /** Stops everything this stack started, newest first. */
  stop(): Promise<void>;
}
