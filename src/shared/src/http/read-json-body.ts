import type { HttpRequest } from '@azure/functions';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../errors/api-errors';
import type { FieldError } from '../errors/field-error';
import { firstDuplicateMember } from './duplicate-members';
import { isReadAsJson, type JsonBodyTypes } from './json-media-type';

/** Keys that could reach a prototype or a MongoDB operator (or hold U+0000); never valid in our bodies. */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this must find
const forbiddenKey = /^(__proto__|constructor|prototype)$|^\$|\.|\u0000/;
const maxDepth = 16;

/**
 * Reads a JSON request body within a size limit, before any validation runs. The Functions host's own
 * limit is 100 MB and answers 500 rather than 413 (azure-functions-host #10519), so each handler
 * enforces a limit that fits its resource.
 * Which declared types count as JSON is decided in json-media-type.ts: declared JSON, and where the API
 * asks for it (`accepted`), also plain UTF-8 text and no declaration (the 2020 client's bodies).
 */
export async function readJsonBody(request: HttpRequest, maxBytes: number, accepted: JsonBodyTypes = {}): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new PayloadTooLargeError(maxBytes);
  if (!isReadAsJson(request.headers.get('content-type'), accepted)) throw new UnsupportedMediaTypeError();
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
  if (bytes.length === 0) throw new ValidationError([{ field: '', message: 'A JSON body is required.' }]);
  return parseStrictJson(bytes);
}

function parseStrictJson(bytes: Buffer): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ValidationError([{ field: '', message: 'The body is not valid UTF-8.' }]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError([{ field: '', message: 'The body is not well-formed JSON.' }]);
  }
  const duplicate = firstDuplicateMember(text);
  if (duplicate !== undefined) throw new ValidationError([{ field: duplicate, message: 'This member appears more than once.' }]);
  const problems: FieldError[] = [];
  inspect(parsed, [], problems);
  if (problems.length > 0) throw new ValidationError(problems);
  return parsed;
}

/**
 * Finds forbidden member names anywhere in the document, nesting deeper than any schema of ours, and
 * strings holding U+0000: no field of ours means it, C-string consumers and log pipelines cut at it, and
 * PostgreSQL's jsonb cannot store it (FerretDB on PostgreSQL, the local stack's database, failed with 500).
 */
function inspect(value: unknown, path: string[], problems: FieldError[]): void {
  if (typeof value === 'string' && value.includes('\u0000')) {
    problems.push({ field: path.join('.'), message: 'Text may not contain the character U+0000.' });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (path.length >= maxDepth) {
    problems.push({ field: path.join('.'), message: `The body is nested deeper than ${maxDepth} levels.` });
    return;
  }
  for (const [key, member] of Object.entries(value)) {
    const memberPath = [...path, key];
    if (forbiddenKey.test(key)) problems.push({ field: memberPath.join('.'), message: 'This member name is not allowed.' });
    else inspect(member, memberPath, problems);
  }
}

/**
 * Operations that read (GET) take no body. One sent anyway is refused rather than ignored: a body the
 * API drops silently is a body some intermediary may have acted on.
 */
export function refuseBody(request: HttpRequest): void {
  const length = Number(request.headers.get('content-length') ?? '0');
  if (length > 0 || request.headers.has('transfer-encoding')) {
    throw new ValidationError([{ field: '', message: 'This operation takes no request body.' }]);
  }
}
