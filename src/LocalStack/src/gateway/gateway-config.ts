import type { Tracer } from '@opentelemetry/api';
import type { ApiLimits } from './api-policy';
import type { AdmissionLimits } from './admission-control';

/** One API published through the gateway, as an APIM API with its backend. */
export interface PublishedApi {
  /** Public path segment, e.g. `patient` for `/patient/...` (APIM's API `path`). */
  readonly path: string;
  /** Backend base URL the public path maps to, e.g. `http://127.0.0.1:7071/api/patient` (APIM's `service_url`). */
  readonly backendUrl: string;
  /** The backend's function key, added as `x-functions-key` (APIM's policy does the same). */
  readonly functionKey: string;
  /** Path templates of the API's operations relative to `path` (the OpenAPI `paths`), which name its spans. */
  readonly operations?: readonly string[];
}

/** A document served as it is, without a subscription key (the API definitions clients read). */
export interface PublishedDocument {
  readonly path: string;
  readonly contentType: string;
  readonly body: string;
}

export interface GatewayConfig {
  readonly subscriptionKeys: readonly string[];
  readonly apis: readonly PublishedApi[];
  readonly documents?: readonly PublishedDocument[];
  /** Rate limit, body size and backend timeout: the numbers of the APIM policy (see api-policy.ts). */
  readonly limits: ApiLimits;
  /** Requests in flight and queued at most; beyond them, 503 with Retry-After. Unbounded when absent. */
  readonly admission?: AdmissionLimits;
  /** Where the gateway's request and backend spans go; without one, they are not recorded. */
  readonly tracer?: Tracer;
}
