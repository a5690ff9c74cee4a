import type { HttpRequest } from '@azure/functions';
import { PreconditionFailedError, ValidationError } from '@patient-tests/shared/errors';
import type { JsonBodyTypes } from '@patient-tests/shared/http';

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string | undefined): value is string {
  return value !== undefined && guidPattern.test(value);
}

/** A route id the use case can trust: a GUID, lower-cased as we store ids. Anything else is a 400 naming it. */
export function requireGuidParameter(request: HttpRequest, name: string): string {
  const value = request.params[name];
  if (!isGuid(value)) throw new ValidationError([{ field: name, message: 'must be a GUID' }]);
  return value.toLowerCase();
}

/** Location of a new resource under the collection the request was sent to. */
export function locationOf(request: HttpRequest, id: string): string {
  return `${new URL(request.url).pathname.replace(/\/$/, '')}/${id}`;
}

export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * The version an `If-Match` header asks for: undefined when absent or `*` (any stored version). One
 * strong entity tag is supported; anything else cannot match a version of ours, hence 412.
 */
export function expectedVersionOf(request: HttpRequest): number | undefined {
  const header = request.headers.get('if-match')?.trim();
  if (header === undefined || header === '' || header === '*') return undefined;
  const match = /^"(\d{1,15})"$/.exec(header);
  if (!match) throw new PreconditionFailedError('If-Match must carry one ETag exactly as this API returned it.');
  return Number(match[1]);
}

/**
 * Response header that announces the next page of a list (search, versions); the body stays a bare array,
 * as the original's clients expect of search.
 */
export const continuationHeader = 'x-continuation-token';

/**
 * The bodies this API reads as JSON: declared JSON, and also JSON declared as plain UTF-8 text or not
 * declared at all, because that is what the 2020 sample's client sends (shared json-media-type.ts).
 */
export const thirdPartyBodies: JsonBodyTypes = { plainTextOrUndeclared: true };
