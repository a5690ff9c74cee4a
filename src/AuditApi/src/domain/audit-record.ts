/** What a caller asks to be recorded. */
export interface AuditRecordInput {
  readonly sourceSystemName: string;
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

export interface AuditRecordQuery {
  readonly resourceType: string;
  readonly resourceId?: string | undefined;
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
