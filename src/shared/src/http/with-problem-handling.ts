import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { ApiError } from '../errors/api-errors';
import { refuseBody } from './read-json-body';
import { toProblemResponse } from './to-problem-response';
import { parseTraceParent } from './trace-context';

/** The operation id support uses to find a request: the W3C trace id Azure hands the function. */
export function operationIdOf(context: InvocationContext): string {
  return parseTraceParent(context.traceContext?.traceParent)?.traceId ?? context.invocationId;
}

/**
 * Wraps a handler so that every failure is answered as a problem document and logged once. A read
 * (GET, HEAD) that carries a body is refused here, for every operation at once.
 */
export function withProblemHandling(
  handler: (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>,
): HttpHandler {
  return async (request, context) => {
    try {
      if (request.method === 'GET' || request.method === 'HEAD') refuseBody(request);
      return await handler(request, context);
    } catch (error: unknown) {
      return problemAnswer(error, request, context);
    }
  };
}

/**
 * A failure as the caller sees it (a problem document) and as our logs keep it: expected API errors as
 * warnings by kind with their diagnostic (which names a cause, never a value); anything else as an error by
 * type only, because driver messages can carry connection details.
 */
export function problemAnswer(error: unknown, request: HttpRequest, context: InvocationContext): HttpResponseInit {
  const operationId = operationIdOf(context);
  if (error instanceof ApiError) {
    const diagnostic = 'diagnostic' in error && typeof error.diagnostic === 'string' ? error.diagnostic : error.cause?.constructor.name;
    context.warn(`request rejected: ${error.kind}`, diagnostic === undefined ? { operationId } : { operationId, diagnostic });
  } else {
    context.error(`unhandled ${error instanceof Error ? error.name : typeof error}`, { operationId });
  }
  return toProblemResponse(error, operationId, instanceOf(request));
}

/**
 * The path the client called: behind API Management that is not the app's own (`/patient/1`, not
 * `/api/patient/1`), so the policy passes it on in x-original-path (env/policies/patient-api.xml).
 * Taken without checking who sent it: it only labels the sender's own error document, so a forged value
 * misleads no one else; a value that is not a plain absolute path is ignored.
 */
function instanceOf(request: HttpRequest): string {
  const original = request.headers.get('x-original-path');
  if (original !== null && /^\/[^\s?#]{0,2047}$/.test(original)) return original;
  return new URL(request.url).pathname;
}
