import type { HttpRequest } from '@azure/functions';
import { ValidationError } from '../errors/api-errors';
import { isGuid } from '../schema/members';

/**
 * An id from the route that a use case can trust: a GUID (shared schema), lower-cased as both apps store
 * ids; anything else is a 400 naming the parameter. Routes that only read also constrain the parameter
 * (`{id:guid}`), so the host answers 404 for what can never be an id; this check covers the forms the
 * constraint lets through (braces, no hyphens) and the routes that take writes.
 */
export function routeId(request: HttpRequest, name: string): string {
  const value = request.params[name];
  if (!isGuid(value)) throw new ValidationError([{ field: name, message: 'must be a GUID' }]);
  return value.toLowerCase();
}
