import type { HttpRequest } from '@azure/functions';
import { PreconditionFailedError } from '@patient-tests/shared/errors';
import type { JsonBodyTypes } from '@patient-tests/shared/http';

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
