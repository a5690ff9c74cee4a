import type { HttpRequest, InvocationContext } from '@azure/functions';
import { verifiedCallerOf, type VerifiedCaller } from '@patient-tests/shared/auth';
import { ForbiddenError } from '@patient-tests/shared/errors';
import { operationIdOf } from '@patient-tests/shared/http';
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

const callerHeaderPrefix = 'x-caller-';

/**
 * A call through API Management that names no caller: the gateway's token is valid, but its policy did
 * not set the subscription. Answered 500: it is a defect of the deployment, not of the request.
 */
export class UnidentifiedCallError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnidentifiedCallError';
  }
}

/**
 * Tells who is calling, for the audit register, from the caller the access guard verified (its token):
 * the subscription from `x-caller-*` when API Management's own identity calls, otherwise the Entra
 * principal itself, which may not send `x-caller-*` (403). Why: docs/decisions/0004-caller-identity.md
 */
export class CallerIdentity {
  private readonly gateways: ReadonlySet<string>;

  constructor(gatewayObjectIds: readonly string[]) {
    this.gateways = new Set(gatewayObjectIds.map((id) => id.toLowerCase()));
  }

  identify(request: HttpRequest, context: InvocationContext): RequestScope {
    const operationId = operationIdOf(context);
    return {
      actor: this.actorOf(request, verifiedCallerOf(request)),
      traceParent: context.traceContext?.traceParent,
      log: { warn: (message, details) => { context.warn(message, { operationId, ...details }); } },
    };
  }

  private actorOf(request: HttpRequest, caller: VerifiedCaller): Actor {
    if (!this.gateways.has(caller.objectId)) {
      if ([...request.headers.keys()].some((name) => name.toLowerCase().startsWith(callerHeaderPrefix))) {
        throw new ForbiddenError('Only API Management may name the caller of a request (x-caller-* headers); nothing was done.', 'caller headers from an identity other than the gateway');
      }
      return { kind: 'entra-principal', objectId: caller.objectId };
    }
    const header = (name: string) => {
      const value = request.headers.get(name)?.trim();
      return value === undefined || value === '' ? undefined : value;
    };
    const subscriptionId = header(callerHeaders.subscriptionId);
    if (subscriptionId === undefined) throw new UnidentifiedCallError('a request with the gateway\'s token carries no caller subscription');
    return {
      kind: 'apim-subscription',
      subscriptionId,
      subscriptionName: percentDecoded(header(callerHeaders.subscriptionName)),
      productId: header(callerHeaders.productId),
      clientAddress: header(callerHeaders.clientAddress),
    };
  }
}

/**
 * The policy sends the subscription's display name percent-encoded (UTF-8), because it is free text and
 * a header carries bytes that Node reads as Latin-1. A value that is not percent-encoding (a policy that
 * did not encode it) is taken as it came.
 */
function percentDecoded(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
