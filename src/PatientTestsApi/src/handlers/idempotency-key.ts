import type { HttpRequest } from '@azure/functions';
import { ValidationError } from '@patient-tests/shared/errors';

export const idempotencyKeyHeader = 'Idempotency-Key';
/** On a 201 that repeats the answer to an earlier request with the same key. */
export const replayedHeader = 'Idempotent-Replayed';

const maxLength = 255;
/** A bare key: visible ASCII without quote, comma or backslash (those need the quoted form). */
const bareKey = `[\\x21\\x23-\\x2B\\x2D-\\x5B\\x5D-\\x7E]{1,${maxLength}}`;
/** RFC 8941 sf-string, which the draft specifies: printable ASCII in quotes, `\\"` and `\\\\` escaped. */
const quotedKey = `"(?:[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]|\\\\[\\x22\\x5C]){1,${maxLength}}"`;
/** Exactly the values the API accepts, as the OpenAPI document publishes them. */
export const idempotencyKeyPattern = new RegExp(`^(?:${bareKey}|${quotedKey})$`);

/**
 * The request's Idempotency-Key, or undefined. The IETF draft makes it an sf-string (`"8e03978e-…"`);
 * many clients send it bare, as Stripe's API takes it, so both are accepted and mean the same key.
 * Anything else is a 400 naming the header, before anything is audited.
 */
export function idempotencyKeyOf(request: HttpRequest): string | undefined {
  const value = request.headers.get(idempotencyKeyHeader);
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (!idempotencyKeyPattern.test(trimmed)) {
    throw new ValidationError([{ field: idempotencyKeyHeader, message: `must be 1 to ${maxLength} visible ASCII characters, bare or as a quoted string` }]);
  }
  return trimmed.startsWith('"') ? trimmed.slice(1, -1).replace(/\\(["\\])/g, '$1') : trimmed;
}
