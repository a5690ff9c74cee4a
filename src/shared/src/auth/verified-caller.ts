import type { HttpRequest } from '@azure/functions';

/** Who called, as a valid access token says (http-access-guard.ts checked it before the handler ran). */
export interface VerifiedCaller {
  /** `oid`: the object id of the calling principal (for a managed identity, its principal id). */
  readonly objectId: string;
  /** `azp`: the application (client) id the token was issued to, when the token names one. */
  readonly clientId: string | undefined;
  /** `roles`: the app roles Entra assigned the caller on this API. */
  readonly roles: readonly string[];
  /** `groups`: the caller's groups that are assigned to this API (a user in an auditors' group). */
  readonly groups: readonly string[];
}

const verified = new WeakMap<HttpRequest, VerifiedCaller>();

/** Only the access guard calls this, once the token and the caller's permission have been checked. */
export function rememberVerifiedCaller(request: HttpRequest, caller: VerifiedCaller): void {
  verified.set(request, caller);
}

/**
 * The caller of a request the guard let through. A handler reached any other way (the guard not
 * registered, a function outside its table) has no caller: that is a defect, so this throws (a 500), and
 * nothing is read or written on behalf of an unknown caller.
 */
export function verifiedCallerOf(request: HttpRequest): VerifiedCaller {
  const caller = verified.get(request);
  if (caller === undefined) throw new MissingCallerError();
  return caller;
}

export class MissingCallerError extends Error {
  constructor() {
    super('the request reached a handler without a verified caller: the access guard did not run for it');
    this.name = 'MissingCallerError';
  }
}
