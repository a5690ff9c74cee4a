import { createHash, timingSafeEqual } from 'node:crypto';
import type { HttpRequest, InvocationContext } from '@azure/functions';
import type { Actor, RequestScope } from '../domain/audit-trail';

/**
 * The headers API Management's policy (env/policies/patient-api.xml) sets on every request it forwards,
 * after deleting whatever the client sent under those names.
 */
export const callerHeaders = {
  subscriptionId: 'x-caller-subscription-id',
  subscriptionName: 'x-caller-subscription-name',
  productId: 'x-caller-product-id',
  clientAddress: 'x-caller-address',
} as const;

/** A gateway call without the caller's subscription: the policy was not applied, so nobody can be named. */
export class UnidentifiedGatewayCallError extends Error {
  constructor() {
    super('a request authenticated with the gateway key carries no caller subscription');
    this.name = 'UnidentifiedGatewayCallError';
  }
}

/**
 * Tells who is calling, for the audit register. Only API Management knows the caller, and only a request
 * that presents API Management's own function key (the `apim` key, `GATEWAY_FUNCTION_KEY`) can have
 * come through it, with headers its policy set. Any other key is a direct call: its caller headers are
 * ignored, whatever they say, and it is recorded as a direct call. The Functions host has already
 * checked that the key is valid; this only compares it, in constant time, with the gateway's.
 */
export class RequestScopes {
  private readonly gatewayKeyDigest: Buffer;

  constructor(gatewayFunctionKey: string) {
    this.gatewayKeyDigest = digest(gatewayFunctionKey);
  }

  of(request: HttpRequest, context: InvocationContext): RequestScope {
    return { actor: this.actorOf(request), traceParent: context.traceContext?.traceParent };
  }

  private actorOf(request: HttpRequest): Actor {
    // The host prefers the header to the `code` query parameter; so do we.
    const presented = request.headers.get('x-functions-key') ?? request.query.get('code');
    if (presented === null || !timingSafeEqual(digest(presented), this.gatewayKeyDigest)) return { kind: 'direct' };
    const header = (name: string) => {
      const value = request.headers.get(name)?.trim();
      return value === undefined || value === '' ? undefined : value;
    };
    const subscriptionId = header(callerHeaders.subscriptionId);
    if (subscriptionId === undefined) throw new UnidentifiedGatewayCallError();
    return {
      kind: 'subscription',
      subscriptionId,
      subscriptionName: header(callerHeaders.subscriptionName),
      productId: header(callerHeaders.productId),
      clientAddress: header(callerHeaders.clientAddress),
    };
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
