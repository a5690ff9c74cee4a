import type { HttpRequest, HttpResponseInit, InvocationContext, PreInvocationContext } from '@azure/functions';
import type { AuthConfig } from '../config/auth-settings';
import { ForbiddenError } from '../errors/api-errors';
import type { FunctionAccess, HttpFunctionDefinition } from '../functions/http-function-definition';
import { problemAnswer } from '../http/with-problem-handling';
import { AccessRules } from './access-rules';
import { AccessTokenVerifier } from './access-token-verifier';
import { rememberVerifiedCaller } from './verified-caller';

/**
 * Triggers whose invocations have no caller to check (the platform runs them on a schedule). Every other
 * trigger type, including one the guard has never heard of, is treated as a call that needs a token.
 */
const triggersWithoutCaller = new Set(['timertrigger']);

/**
 * The one place an app's callers are checked, as a preInvocation hook: for every invocation it puts a
 * check in front of the handler (the worker runs whatever `functionHandler` the hook leaves). The check
 * rejects by default: a function passes without a token only when its table entry says `anonymous`; a
 * function the table does not know is refused outright; every other call needs a valid token of an
 * identity the function's role allows. Refusals are problem documents (401, 403; 503 when the issuer's
 * keys cannot be had) and nothing behind them runs.
 */
export class HttpAccessGuard<Role extends string = string> {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly rules: AccessRules<Role>,
  ) {}

  preInvocation(definitions: readonly HttpFunctionDefinition[]): (hook: PreInvocationContext) => void {
    const accessByName = new Map(definitions.map((definition) => [definition.name, definition.access]));
    const ruled = new Set<string>(this.rules.roles());
    const unruled = definitions.filter(({ access }) => 'role' in access && !ruled.has(access.role)).map(({ name }) => name);
    // A role nobody is named for would refuse every call; say so at start-up, not per request.
    if (unruled.length > 0) throw new Error(`no access rule for the role of: ${unruled.join(', ')}`);
    return (hook) => {
      if (triggersWithoutCaller.has(hook.invocationContext.options.trigger.type.toLowerCase())) return;
      const access = accessByName.get(hook.invocationContext.functionName);
      if (access !== undefined && 'anonymous' in access) return;
      const handler = hook.functionHandler;
      hook.functionHandler = async (request: unknown, context: InvocationContext): Promise<unknown> => {
        if (!isHttpRequest(request)) throw new Error('refused: an invocation without an HTTP request, and no caller to check');
        const refusal = await this.refusalOf(request, context, access);
        return refusal ?? handler(request, context);
      };
    };
  }

  /** Undefined when the caller may go on; otherwise the answer it gets. */
  private async refusalOf(request: HttpRequest, context: InvocationContext, access: FunctionAccess | undefined): Promise<HttpResponseInit | undefined> {
    try {
      if (access === undefined || !('role' in access)) {
        context.error('refused: a function without an entry in the access table', { function: context.functionName });
        throw new ForbiddenError('This operation is not open to any caller.', 'a function without an access rule');
      }
      const caller = await this.verifier.verify(request.headers.get('authorization'));
      this.rules.require(caller, access.role as Role);
      rememberVerifiedCaller(request, caller);
      return undefined;
    } catch (error: unknown) {
      return problemAnswer(error, request, context);
    }
  }
}

/** The guard of an API: tokens checked against its Entra settings, callers against its roles' identities. */
export function accessGuard<Role extends string>(auth: AuthConfig, holders: Readonly<Record<Role, readonly string[]>>): HttpAccessGuard<Role> {
  return new HttpAccessGuard(new AccessTokenVerifier(auth), new AccessRules(holders));
}

function isHttpRequest(value: unknown): value is HttpRequest {
  return typeof value === 'object' && value !== null && 'headers' in value && 'url' in value && typeof (value as HttpRequest).headers.get === 'function';
}
