import type { Tracer } from '@opentelemetry/api';
import type { ApiPolicy } from './api-policy';
import type { AdmissionLimits } from './admission-control';
import type { GatewayManagedIdentity } from './backend-token';

/** One API published through the gateway, as an APIM API with its backend. */
export interface PublishedApi {
  /** Public path segment, e.g. `patient` for `/patient/...` (APIM's API `path`). */
  readonly path: string;
  /** Backend base URL the public path maps to, e.g. `http://127.0.0.1:7071/api/patient` (APIM's `service_url`). */
  readonly backendUrl: string;
  /** Path templates of the API's operations relative to `path` (the OpenAPI `paths`), which name its spans. */
  readonly operations?: readonly string[];
}

/**
 * A client's subscription: its identifier (what `context.Subscription.Id` gives the policy), display
 * name, the product it subscribes to (`context.Product`; none for an all-APIs subscription) and key.
 */
export interface GatewaySubscription {
  readonly id: string;
  readonly name: string;
  readonly productId?: string | undefined;
  readonly key: string;
}

/** A document served as it is, without a subscription key (the API definitions clients read). */
export interface PublishedDocument {
  readonly path: string;
  readonly contentType: string;
  readonly body: string;
}

export interface GatewayConfig {
  readonly subscriptions: readonly GatewaySubscription[];
  readonly apis: readonly PublishedApi[];
  readonly documents?: readonly PublishedDocument[];
  /** The APIM policy: limits and the headers and query parameters it sets or deletes (see api-policy.ts). */
  readonly policy: ApiPolicy;
  /** APIM named values the policy refers to as `{{name}}`, e.g. the backend API's application id. */
  readonly namedValues: Readonly<Record<string, string>>;
  /** The gateway's managed identity, for `authentication-managed-identity` (required when the policy has it). */
  readonly managedIdentity?: GatewayManagedIdentity | undefined;
  /** Requests in flight and queued at most; beyond them, 503 with Retry-After. Unbounded when absent. */
  readonly admission?: AdmissionLimits;
  /** Where the gateway's request and backend spans go; without one, they are not recorded. */
  readonly tracer?: Tracer;
}
