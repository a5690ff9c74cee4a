import type { FieldError } from './field-error';

/**
 * The closed set of failures a handler may raise on purpose. Anything else that escapes a handler is
 * an internal error and is answered with a fixed text (see to-problem-response.ts).
 */
export abstract class ApiError extends Error {
  abstract readonly kind:
    | 'validation'
    | 'unauthorized'
    | 'forbidden'
    | 'notFound'
    | 'preconditionFailed'
    | 'payloadTooLarge'
    | 'unsupportedMediaType'
    | 'idempotencyKeyReused'
    | 'serviceUnavailable';
}

/**
 * No valid access token: none, or one that fails a check (signature, issuer, audience, tenant, lifetime).
 * Answered 401 with a `WWW-Authenticate: Bearer` challenge. `diagnostic` names the failed check for our
 * logs only; the answer says the same thing for every failure, and nothing of the token is kept.
 */
export class UnauthorizedError extends ApiError {
  readonly kind = 'unauthorized';
  constructor(
    readonly diagnostic: string,
    /** False when the request carried no token at all (RFC 6750 §3.1: then the challenge names no error). */
    readonly tokenPresented = true,
  ) {
    super('A valid access token for this API is required (Authorization: Bearer).');
    this.name = 'UnauthorizedError';
  }
}

/** A valid token of a caller that may not do this (not one of the identities allowed, or without the role). */
export class ForbiddenError extends ApiError {
  readonly kind = 'forbidden';
  constructor(detail: string, readonly diagnostic: string) {
    super(detail);
    this.name = 'ForbiddenError';
  }
}

export class ValidationError extends ApiError {
  readonly kind = 'validation';
  constructor(readonly errors: readonly FieldError[], detail = 'The request has invalid members; see errors.') {
    super(detail);
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends ApiError {
  readonly kind = 'notFound';
  constructor(detail: string) {
    super(detail);
    this.name = 'NotFoundError';
  }
}

/** The client's `If-Match` names a version that is no longer the stored one. */
export class PreconditionFailedError extends ApiError {
  readonly kind = 'preconditionFailed';
  constructor(detail: string) {
    super(detail);
    this.name = 'PreconditionFailedError';
  }
}

/** An `Idempotency-Key` the caller already used, within its lifetime, for a different request. */
export class IdempotencyKeyReusedError extends ApiError {
  readonly kind = 'idempotencyKeyReused';
  constructor(detail: string) {
    super(detail);
    this.name = 'IdempotencyKeyReusedError';
  }
}

export class PayloadTooLargeError extends ApiError {
  readonly kind = 'payloadTooLarge';
  constructor(readonly limitBytes: number) {
    super(`The request body exceeds the limit of ${limitBytes} bytes.`);
    this.name = 'PayloadTooLargeError';
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  readonly kind = 'unsupportedMediaType';
  constructor() {
    super('Send the body as application/json.');
    this.name = 'UnsupportedMediaTypeError';
  }
}

/**
 * A dependency (database, downstream API) is not available; the caller may retry after a while.
 * `diagnostic` is for our logs only (e.g. "audit answered 500"); it must not carry secrets or personal data.
 */
export class ServiceUnavailableError extends ApiError {
  readonly kind = 'serviceUnavailable';
  constructor(
    detail: string,
    readonly retryAfterSeconds = 5,
    options?: { cause?: unknown; diagnostic?: string },
  ) {
    super(detail, options);
    this.name = 'ServiceUnavailableError';
    this.diagnostic = options?.diagnostic;
  }
  readonly diagnostic: string | undefined;
}
