/**
 * Which declared body types an API reads as JSON (RFC 8259 text, UTF-8, under every rule of
 * read-json-body.ts); anything else is a 415.
 *
 * Always: `application/json` and `application/*+json`, JSON as declared.
 *
 * Only where an API asks for it (`plainTextOrUndeclared`; the PatientTests API, for its third parties):
 * - No Content-Type at all: read as JSON, the only kind of body these endpoints take.
 * - `text/plain` (no charset, or UTF-8): read as JSON text. This is the 2020 sample's own client, on the
 *   wire: its Locust tasks call `client.post(path, json.dumps(data))`, and Locust's FastHttpUser hands a
 *   string body to geventhttpclient, which declares every string as `text/plain; charset=utf-8` (so it did
 *   in 2020 under Locust 0.14.5 and geventhttpclient 1.3.1, and does under Locust 2.47 and 2.6.1). The
 *   2020 API read such bodies as JSON, because the Functions runtime parses a body whatever its type.
 *   Accepting these opens nothing across sites: no browser sends a subscription key on its own (the API
 *   uses no cookies or other ambient credentials), so a cross-site page can make no request that its
 *   author could not make directly with the same key.
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
