import type { AccessTokenSource } from '@patient-tests/shared/auth';
import { ServiceUnavailableError } from '@patient-tests/shared/errors';
import { childTraceParent, formatTraceParent, newTraceParent, parseTraceParent } from '@patient-tests/shared/http';
import { SpanKind, SpanStatusCode, context, propagation, trace, type Span } from '@opentelemetry/api';
import type * as Undici from 'undici';
import { actorIdOf, type Actor, type AuditEntry, type AuditTrail, type RequestScope } from '../domain/audit-trail';

export interface AuditClientSettings {
  /** Base URL of the Audit API including its route prefix, e.g. `http://127.0.0.1:7072/api`. */
  readonly baseUrl: string;
  /** No request waits longer than this for the audit register. */
  readonly timeoutMs: number;
}

const sourceSystemName = 'PatientTestsApi';
const unavailable = 'The audit register could not record this request, so nothing was done. Retry shortly.';
const tracer = trace.getTracer('patient-tests-api');

/** Records audit entries through the Audit API; whether one counts as recorded is requireRecordedInTime's decision. */
export class AuditClient implements AuditTrail {
  private readonly endpoint: URL;

  constructor(
    private readonly settings: AuditClientSettings,
    /** Tokens of this app's managed identity for the Audit API (its append role). */
    private readonly tokens: AccessTokenSource,
  ) {
    this.endpoint = new URL(`${settings.baseUrl.replace(/\/$/, '')}/auditrecord`);
  }

  /** The call is a client span of its own, so the Audit API's request hangs below it in the trace. */
  record(entry: AuditEntry, scope: RequestScope): Promise<void> {
    const attributes = {
      'http.request.method': 'POST',
      'server.address': this.endpoint.hostname,
      'server.port': Number(this.endpoint.port || (this.endpoint.protocol === 'https:' ? 443 : 80)),
      'url.template': this.endpoint.pathname,
    };
    return tracer.startActiveSpan('POST auditrecord', { kind: SpanKind.CLIENT, attributes }, async (span) => {
      try {
        await this.send(entry, scope, span);
      } catch (error: unknown) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  private async send(entry: AuditEntry, scope: RequestScope, span: Span): Promise<void> {
    requireRecordedInTime(await this.post(entry, scope, span), this.settings.timeoutMs);
  }

  /** The token and one POST of the entry, both within the timeout; what happened, never thrown. */
  private async post(entry: AuditEntry, scope: RequestScope, span: Span): Promise<AuditCallOutcome> {
    const signal = AbortSignal.timeout(this.settings.timeoutMs);
    let token: string;
    try {
      token = await this.tokens.token(signal);
    } catch (error: unknown) {
      return { failure: 'no token', cause: error };
    }
    try {
      // undici is loaded on the first call, not with the entry file (about 85 ms of a cold start).
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a deferred, synchronous load
      const { request } = require('undici') as typeof Undici;
      const response = await request(this.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          traceparent: traceParentFor(scope),
        },
        body: JSON.stringify({ sourceSystemName, actor: toAuditActor(scope.actor), resource: entry }),
        signal,
      });
      span.setAttribute('http.response.status_code', response.statusCode);
      // Read the body either way so the keep-alive connection goes back to the pool.
      await response.body.dump();
      return { status: response.statusCode };
    } catch (error: unknown) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return { failure: timedOut ? 'timeout' : 'unreachable', cause: error };
    }
  }
}

/** How one call to the Audit API ended: an answer with its status, or none (too slow, not reachable). */
export type AuditCallOutcome = { readonly status: number } | { readonly failure: 'timeout' | 'unreachable' | 'no token'; readonly cause: unknown };

/**
 * The fail-closed decision: an entry counts as recorded when the Audit API answered 201 within the
 * timeout, and only then. Anything else (a refused connection, a 5xx, a 4xx, a slow answer) is a 503 for
 * our caller, and the use case does nothing. Why: docs/decisions/0001-audit-first-fail-closed.md
 */
export function requireRecordedInTime(outcome: AuditCallOutcome, timeoutMs: number): void {
  if ('status' in outcome) {
    if (outcome.status === 201) return;
    throw new ServiceUnavailableError(unavailable, 5, { diagnostic: `audit answered ${outcome.status}` });
  }
  const reason = { timeout: `no answer within ${timeoutMs} ms`, unreachable: 'not reachable', 'no token': 'no token of our identity for it in time' }[outcome.failure];
  throw new ServiceUnavailableError(unavailable, 5, { cause: outcome.cause, diagnostic: `audit ${reason}` });
}

/** The actor as the Audit API records it: `id` (actorIdOf) is what reviewers list by, `kind` its first segment. */
function toAuditActor(actor: Actor): Record<string, string> {
  const wire: Record<string, string> = { id: actorIdOf(actor), kind: actor.kind };
  if (actor.kind === 'entra-principal') return wire;
  if (actor.subscriptionName !== undefined) wire.name = actor.subscriptionName;
  if (actor.productId !== undefined) wire.product = actor.productId;
  if (actor.clientAddress !== undefined) wire.clientAddress = actor.clientAddress;
  return wire;
}

/**
 * The span this call runs in, as a `traceparent`. Without telemetry there is no span: the caller's trace
 * continues with a new span id, so the audit record still carries the operation id.
 */
function traceParentFor(scope: RequestScope): string {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  if (carrier.traceparent !== undefined) return carrier.traceparent;
  const incoming = parseTraceParent(scope.traceParent);
  return formatTraceParent(incoming ? childTraceParent(incoming) : newTraceParent());
}
