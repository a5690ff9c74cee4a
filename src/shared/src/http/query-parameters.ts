import type { HttpRequest } from '@azure/functions';
import { ValidationError } from '../errors/api-errors';

/** `code` carries the function key when a caller cannot send headers; it belongs to the host, not the API. */
const hostParameters = new Set(['code']);

/** The request's own query parameters as an object; a repeated parameter is a 400, not "the last one wins". */
export function queryParameters(request: HttpRequest): Record<string, string> {
  const entries = [...request.query.entries()].filter(([name]) => !hostParameters.has(name));
  const names = entries.map(([name]) => name);
  const repeated = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
  if (repeated.length > 0) throw new ValidationError(repeated.map((field) => ({ field, message: 'must be given once' })));
  return Object.fromEntries(entries);
}
