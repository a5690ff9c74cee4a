import type { HttpResponseInit } from '@azure/functions';
import { ApiError, ForbiddenError, PayloadTooLargeError, ServiceUnavailableError, UnauthorizedError, ValidationError } from '../errors/api-errors';
import { problemContentType, problemTypes, type ProblemDocument } from './problem-types';

const internalDetail = 'The request could not be completed. Quote the operationId when you contact support.';

/**
 * The one place where errors become HTTP. Known API errors say what is wrong; anything else becomes a
 * 500 whose body is fixed text plus the operation id, never a message, stack or connection string.
 */
export function toProblemResponse(error: unknown, operationId: string, instance?: string): HttpResponseInit {
  const headers: Record<string, string> = { 'content-type': problemContentType };
  if (!(error instanceof ApiError)) {
    return respond(headers, { ...problemTypes.internal, detail: internalDetail, operationId, instance });
  }
  const base = problemTypes[error.kind];
  const document: ProblemDocument = {
    ...base,
    detail: error.message,
    instance,
    operationId,
    errors: error instanceof ValidationError ? error.errors : undefined,
  };
  if (error instanceof ServiceUnavailableError) headers['retry-after'] = String(error.retryAfterSeconds);
  if (error instanceof PayloadTooLargeError) headers.connection = 'close';
  // RFC 6750 §3: the challenge of a bearer-token API; the error code, never what was wrong with the token.
  if (error instanceof UnauthorizedError) headers['www-authenticate'] = error.tokenPresented ? 'Bearer error="invalid_token"' : 'Bearer';
  if (error instanceof ForbiddenError) headers['www-authenticate'] = 'Bearer error="insufficient_scope"';
  return respond(headers, document);
}

function respond(headers: Record<string, string>, document: ProblemDocument): HttpResponseInit {
  return { status: document.status, headers, body: JSON.stringify(document) };
}
