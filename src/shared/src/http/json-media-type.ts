/**
 * Which declared body types an API reads as JSON (RFC 8259 text, UTF-8, under every rule of
 * read-json-body.ts); anything else is a 415.
 *
 * Always: `application/json` and `application/*+json`, JSON as declared.
 *
 * Only where an API asks for it (`plainTextOrUndeclared`; the PatientTests API, for its third parties):
 * - No Content-Type at all: read as JSON, the only kind of body these endpoints take.
 * - `text/plain` (no charset, or UTF-8): read as JSON text, as the 2020 sample's own client sends it
 *   (docs/patient-tests-api.md, "Differences from the original"). Accepting these opens nothing across
 *   sites: no browser sends a subscription key on its own (the API uses no cookies or other ambient
 *   credentials), so a cross-site page can make no request that its author could not make directly with
 *   the same key.
 *
 * Everything else (forms, multipart, other text, XML, octet streams): refused. An internal API whose
 * callers are ours (the Audit API) stays strict: a caller that stops declaring JSON is a defect to see.
 * An empty Content-Type header is not "no type" but a malformed one (RFC 9110 has no empty media type).
 */
export interface JsonBodyTypes {
  /** Also read a body declared `text/plain` (UTF-8) or not declared at all as JSON. */
  readonly plainTextOrUndeclared?: boolean;
}

export function isReadAsJson(contentType: string | null, accepted: JsonBodyTypes = {}): boolean {
  if (contentType === null) return accepted.plainTextOrUndeclared === true;
  const [type = '', ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type)) return true;
  if (type !== 'text/plain' || accepted.plainTextOrUndeclared !== true) return false;
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}
