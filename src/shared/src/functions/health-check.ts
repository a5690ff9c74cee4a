import type { HttpFunctionDefinition } from './http-function-definition';

/**
 * What App Service's health check calls (`health_check_path` in env/functions.tf). Anonymous, touching
 * neither the database nor the audit register: it says the worker runs, reveals nothing, changes nothing.
 * Dependencies are not probed here, so a database outage answers 503 per request instead of the
 * platform recycling every instance at once.
 */
export const healthCheck: HttpFunctionDefinition = {
  name: 'health',
  methods: ['GET'],
  route: 'health',
  // The platform's health probe presents no token (App Service sends a plain GET).
  access: { anonymous: 'the platform health check calls it without a token; it reveals and changes nothing' },
  handler: () => Promise.resolve({ status: 200, jsonBody: { status: 'ok' } }),
};
