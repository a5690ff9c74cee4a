import type { IncomingHttpHeaders } from 'node:http';
import { problemTypes, type ProblemDocument } from '@patient-tests/shared/http';
import type { PublishedApi } from './gateway-config';

/**
 * The Functions host answers some failures with an empty body (no route: 404; an exception: 500; a
 * rejected key: 401). Clients of the public API get a problem document instead, as an APIM outbound
 * policy would set one. A 401 from the backend means the gateway's own key is wrong: a 502 for clients.
 */
export function problemForEmptyAnswer(status: number, operationId: string): ProblemDocument {
  if (status === 404) return { ...problemTypes.notFound, detail: 'No resource matches this path and method.', operationId };
  if (status === 413) return { ...problemTypes.payloadTooLarge, detail: 'The request body is too large.', operationId };
  if (status >= 500) return { ...problemTypes.internal, detail: 'The request could not be completed. Quote the operationId when you contact support.', operationId };
  return { ...problemTypes.badGateway, detail: 'The backend refused the request from the gateway.', operationId };
}

export function isEmptyErrorAnswer(status: number, headers: IncomingHttpHeaders): boolean {
  return status >= 400 && headers['content-type'] === undefined;
}

/** APIM's `redirect-content-urls`: a Location pointing into the backend is rewritten to the public path. */
export function publicLocation(location: string, api: PublishedApi): string {
  const backend = new URL(api.backendUrl);
  const backendPath = backend.pathname.replace(/\/$/, '');
  const path = location.startsWith(backend.origin) ? location.slice(backend.origin.length) : location;
  if (path === backendPath || path.startsWith(`${backendPath}/`)) return `/${api.path}${path.slice(backendPath.length)}`;
  return location;
}
