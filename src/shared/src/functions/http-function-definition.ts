import type { HttpHandler, HttpMethod, HttpFunctionOptions, PreInvocationHandler } from '@azure/functions';
import type { HttpAccessGuard } from '../auth/http-access-guard';

/**
 * Who may call a function: callers whose token carries an app role of the API (and who are among that
 * role's identities, access-rules.ts), or anybody, with the reason written down. No default: a function
 * states its access or does not compile, and the guard refuses a function that is not in the table.
 */
export type FunctionAccess = { readonly role: string } | { readonly anonymous: string };

/**
 * One HTTP function: its name, methods, route, access and handler. Each app keeps a table of these (its
 * functions/routes.ts); its entry file registers the table with Azure, and the local host serves whatever
 * that entry registered, so routes and their access exist in one place only.
 */
export interface HttpFunctionDefinition {
  readonly name: string;
  readonly methods: readonly HttpMethod[];
  readonly route: string;
  readonly access: FunctionAccess;
  readonly handler: HttpHandler;
}

export interface HttpRegistrar {
  http(name: string, options: HttpFunctionOptions): void;
  readonly hook: { preInvocation(handler: PreInvocationHandler): unknown };
}

/**
 * Registers an app's functions behind its access guard: one preInvocation hook checks the caller of every
 * invocation before its handler runs (http-access-guard.ts), so no function can be added without it. Every
 * function is anonymous to the Functions host: no function key opens any of them, the token does.
 */
export function registerHttpFunctions(app: HttpRegistrar, definitions: readonly HttpFunctionDefinition[], guard: HttpAccessGuard): void {
  app.hook.preInvocation(guard.preInvocation(definitions));
  for (const definition of definitions) {
    app.http(definition.name, { methods: [...definition.methods], route: definition.route, authLevel: 'anonymous', handler: definition.handler });
  }
}
