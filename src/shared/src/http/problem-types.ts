import type { FieldError } from '../errors/field-error';

/**
 * The catalogue of problem types every API of ours can answer with (RFC 9457). The `type` URIs are
 * stable identifiers; docs/problems.md describes each, and a test keeps the two in step.
 */
export const problemTypes = {
  validation: { type: 'urn:patient-tests:problem:validation', title: 'The request is not valid', status: 400 },
  notFound: { type: 'urn:patient-tests:problem:not-found', title: 'The resource was not found', status: 404 },
  preconditionFailed: { type: 'urn:patient-tests:problem:precondition-failed', title: 'The resource has changed', status: 412 },
  payloadTooLarge: { type: 'urn:patient-tests:problem:payload-too-large', title: 'The request body is too large', status: 413 },
  unsupportedMediaType: { type: 'urn:patient-tests:problem:unsupported-media-type', title: 'The request body must be JSON', status: 415 },
  idempotencyKeyReused: { type: 'urn:patient-tests:problem:idempotency-key-reused', title: 'The idempotency key was used for another request', status: 422 },
  unauthorized: { type: 'urn:patient-tests:problem:unauthorized', title: 'Access denied', status: 401 },
  forbidden: { type: 'urn:patient-tests:problem:forbidden', title: 'The caller may not do this', status: 403 },
  tooManyRequests: { type: 'urn:patient-tests:problem:too-many-requests', title: 'Too many requests', status: 429 },
  badGateway: { type: 'urn:patient-tests:problem:bad-gateway', title: 'The backend could not be reached', status: 502 },
  gatewayTimeout: { type: 'urn:patient-tests:problem:gateway-timeout', title: 'The backend did not answer in time', status: 504 },
  serviceUnavailable: { type: 'urn:patient-tests:problem:service-unavailable', title: 'The service is temporarily unavailable', status: 503 },
  internal: { type: 'urn:patient-tests:problem:internal', title: 'An unexpected error occurred', status: 500 },
} as const;

export type ProblemKind = keyof typeof problemTypes;

export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly operationId?: string;
  readonly errors?: readonly FieldError[];
}

export const problemContentType = 'application/problem+json';
