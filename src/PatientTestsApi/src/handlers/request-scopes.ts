import { createHash, timingSafeEqual } from 'node:crypto';
import type { HttpRequest, InvocationContext } from '@azure/functions';
import { ServiceUnavailableError } from '@patient-tests/shared/errors';
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
 * A call nobody can be named for: the gateway's key without the caller's subscription (the policy was not
 * applied), or no function key at all (the host's key check is not in front of the app). Answered 500:
 * it is a defect of the deployment, not of the request.
 */
export class UnidentifiedCallError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnidentifiedCallError';
  }
}

/**
 * Tells who is calling, for the audit register. Only API Management knows the caller, and only a request
 * that presents API Management's own function key (the `apim` key, `GATEWAY_FUNCTION_KEY`) can have
 * come through it, with headers its policy set. The Functions host has already checked that the key is
 * valid; this only compares it, in constant time, with the gateway's.
 *
 * A request with any other key is a direct call, recorded under a fingerprint of its key, unless it
 * names a caller (any `x-caller-*` header): a direct caller has no business sending those, and the one
 * caller that does is API Management, presenting a key the app does not know yet or no longer, while
 * the two are switched to a new key (docs/key_rotation.md). Such a request is refused with 503 and
 * Retry-After before anything is audited, read or written: a brief retryable refusal instead of a
 * subscription's call recorded, and given an idempotency scope, as somebody else's.
 */
export class RequestScopes {
  private readonly gatewayKeyDigest: Buffer;

  constructor(gatewayFunctionKey: string) {
    this.gatewayKeyDigest = digest(gatewayFunctionKey);
  }

  of(request: HttpRequest, context: InvocationContext): RequestScope {
    const operationId = operationIdOf(context);
    return {
      actor: this.actorOf(request),
      traceParent: context.traceContext?.traceParent,
      log: { warn: (message, details) => { context.warn(message, { operationId, ...details }); } },
    };
  }

  private actorOf(request: HttpRequest): Actor {
    // Which key the host checked: the header whenever it is present, even empty (the host then refuses the
    // request as anonymous), else `code` (azure-functions-host AuthenticationLevelHandler). So do we.
    const presented = request.headers.get('x-functions-key') ?? request.query.get('code');
    if (!presented) throw new UnidentifiedCallError('a request reached the app without a function key');
    const presentedDigest = digest(presented);
    if (!timingSafeEqual(presentedDigest, this.gatewayKeyDigest)) {
      if ([...request.headers.keys()].some((name) => name.toLowerCase().startsWith(callerHeaderPrefix))) {
        throw new ServiceUnavailableError('The caller of this request cannot be identified right now; nothing was done. Retry shortly.', 5, {
          diagnostic: 'caller headers without the gateway key',
        });
      }
      return { kind: 'direct', keyFingerprint: presentedDigest.subarray(0, 8).toString('hex') };
    }
    const header = (name: string) => {
      const value = request.headers.get(name)?.trim();
      return value === undefined || value === '' ? undefined : value;
    };
    const subscriptionId = header(callerHeaders.subscriptionId);
    if (subscriptionId === undefined) throw new UnidentifiedCallError('a request authenticated with the gateway key carries no caller subscription');
    return {
      kind: 'subscription',
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

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
