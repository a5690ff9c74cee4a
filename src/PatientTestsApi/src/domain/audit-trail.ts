import { createHash } from 'node:crypto';

/** One vocabulary for every audited interaction. */
/** `replay`: an answer given again for a repeated Idempotency-Key, recorded besides the attempt's `create`. */
export type AuditedOperation = 'create' | 'replay' | 'read' | 'update' | 'search' | 'list' | 'history';

export interface AuditEntry {
  readonly type: 'patient' | 'test';
  /**
   * The resource acted on. For `list` it is the patient whose tests were listed; a search has none,
   * because its criteria are personal data and never reach the audit register.
   */
  readonly id?: string;
  readonly operation: AuditedOperation;
}

/**
 * Who is calling. Through API Management: the client's subscription (and its product and address), as
 * the gateway's policy states it. Any other caller the API lets in (its token names an identity allowed to
 * call directly) is recorded as exactly that: its Entra object id. `kind` is spelled the same here, on the
 * wire to the Audit API and as the first segment of the actor id.
 */
export type Actor =
  | {
      readonly kind: 'apim-subscription';
      readonly subscriptionId: string;
      readonly subscriptionName?: string | undefined;
      readonly productId?: string | undefined;
      readonly clientAddress?: string | undefined;
    }
  | {
      readonly kind: 'entra-principal';
      /** The `oid` of the caller's token: the object id of a service principal, managed identity or user. */
      readonly objectId: string;
    };

/**
 * The one string that stands for an actor, in the audit register (what reviewers list by) and as the
 * scope of idempotency keys: `<kind>/<id>`, so a subscription is `apim-subscription/<subscription id>` and
 * a direct caller `entra-principal/<object id>`; two callers never share a scope or an actor.
 */
export function actorIdOf(actor: Actor): string {
  if (actor.kind === 'entra-principal') return `${actor.kind}/${actor.objectId}`;
  const id = `${actor.kind}/${actor.subscriptionId}`;
  // An API Management subscription id may be 256 characters, the Audit API's limit for the whole actor id:
  // a longer one is recorded by its SHA-256 (a colon never occurs in a subscription id, so this can name
  // no other subscription), rather than have every call of that subscription refused by the register.
  return id.length <= maxActorIdLength ? id : `${actor.kind}/sha256:${createHash('sha256').update(actor.subscriptionId, 'utf8').digest('hex')}`;
}

/** The Audit API's limit on `actor.id` (its audit-record-schema.ts). */
export const maxActorIdLength = 256;

/**
 * Where a use case notes what went wrong without changing its answer (a follow-up write that failed after
 * the change was stored), under the request's operation id.
 */
export interface RequestLog {
  warn(message: string, details: Readonly<Record<string, string>>): void;
}

/** Where the request came from, as far as auditing needs it: who, and the W3C trace it belongs to; and its log. */
export interface RequestScope {
  readonly actor: Actor;
  readonly traceParent?: string | undefined;
  readonly log: RequestLog;
}

/**
 * The port to the audit register. `record` resolves only once the entry is stored; any failure
 * rejects, and the caller must then do nothing (fail closed).
 */
export interface AuditTrail {
  record(entry: AuditEntry, scope: RequestScope): Promise<void>;
}

/**
 * The rule every use case runs under, audit first and fail closed: the entry is recorded before anything
 * is read or written, and when it cannot be (the trail rejects), `work` never runs and the use case
 * rejects with the trail's error (a 503 from the audit client). Why: docs/decisions/0001-audit-first-fail-closed.md
 */
export async function auditFirst<Result>(audit: AuditTrail, entry: AuditEntry, scope: RequestScope, work: () => Promise<Result>): Promise<Result> {
  await audit.record(entry, scope);
  return work();
}
