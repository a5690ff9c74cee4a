/**
 * Who asked for the recorded interaction, as the calling system knows it. `id` is what reviewers list
 * by (e.g. `apim-subscription/first-client`); the rest describes it. The PatientTests API takes it from
 * API Management, never from what a client says about itself.
 */
export interface AuditActor {
  readonly id: string;
  /** What kind of identity `id` is, e.g. `apim-subscription` or `entra-principal` (its first segment). */
  readonly kind: string;
  readonly name?: string | undefined;
  readonly product?: string | undefined;
  /** The network address the caller came from, as the gateway saw it. */
  readonly clientAddress?: string | undefined;
}

/** What a caller asks to be recorded. */
export interface AuditRecordInput {
  readonly sourceSystemName: string;
  /** Null when the caller named none (a caller of the release before actors; see audit-record-schema.ts). */
  readonly actor: AuditActor | null;
  readonly resource: {
    readonly type: string;
    readonly id?: string | undefined;
    readonly operation: string;
  };
}

/** A stored, immutable audit entry. */
export interface AuditRecord extends AuditRecordInput {
  readonly id: string;
  readonly createdDate: Date;
  /** Trace id of the W3C trace the recorded request belonged to; null when the caller sent none. */
  readonly correlationId: string | null;
}

/** Position after which the next page starts: records are ordered newest first, then by id. */
export interface PageCursor {
  readonly createdDate: Date;
  readonly id: string;
}

/**
 * Which records to list, newest first. Three shapes, each served by its own index: by resource (type,
 * optionally id), by actor, or by time alone; each may be narrowed to a time range `[from, to)`.
 */
export interface AuditRecordQuery {
  readonly resourceType?: string | undefined;
  readonly resourceId?: string | undefined;
  readonly actorId?: string | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly limit: number;
  readonly after?: PageCursor | undefined;
}

/** The port the domain owns; the Mongo adapter implements it. There is deliberately no update or delete. */
export interface AuditRecordStore {
  insert(record: AuditRecord): Promise<void>;
  findById(id: string): Promise<AuditRecord | undefined>;
  /** Up to `limit` records matching the query, newest first. */
  find(query: AuditRecordQuery): Promise<AuditRecord[]>;
}
