import type { HttpRequest } from '@azure/functions';
import { ValidationError } from '../errors/api-errors';

/**
 * The request's own query parameters as an object; a repeated parameter is a 400, not "the last one wins".
 * Every parameter is the API's: `code`, which once carried a function key, opens nothing here (callers
 * present tokens), so it is refused like any other unknown parameter rather than silently dropped.
 */
export function queryParameters(request: HttpRequest): Record<string, string> {
  const entries = [...request.query.entries()];
  const names = entries.map(([name]) => name);
  const repeated = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
  if (repeated.length > 0) throw new ValidationError(repeated.map((field) => ({ field, message: 'must be given once' })));
  return Object.fromEntries(entries);
}
