import { randomUUID } from 'node:crypto';
import { NotFoundError } from '@patient-tests/shared/errors';
import type { AuditRecord, AuditRecordInput, AuditRecordQuery, AuditRecordStore, PageCursor } from './audit-record';

export interface AuditPage {
  readonly items: AuditRecord[];
  /** Where the next page starts, when there is one. */
  readonly next: PageCursor | null;
}

/** What the register takes besides its store; tests pass a clock and ids (as PatientTests' ServiceOptions). */
export interface AuditRegisterOptions {
  readonly now?: () => Date;
  readonly newId?: () => string;
}

/** The use cases of the register: append, read one, and page through records by resource, actor or time. */
export class AuditRegister {
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(
    private readonly store: AuditRecordStore,
    options: AuditRegisterOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
  }

  async record(input: AuditRecordInput, correlationId: string | null): Promise<AuditRecord> {
    const record: AuditRecord = { ...input, id: this.newId(), createdDate: this.now(), correlationId };
    await this.store.insert(record);
    return record;
  }

  async get(id: string): Promise<AuditRecord> {
    const record = await this.store.findById(id);
    if (!record) throw new NotFoundError(`No audit record has the id ${id}.`);
    return record;
  }

  async list(query: AuditRecordQuery): Promise<AuditPage> {
    // One extra record tells whether another page exists without a count query.
    const found = await this.store.find({ ...query, limit: query.limit + 1 });
    const items = found.slice(0, query.limit);
    const last = items.at(-1);
    const hasMore = found.length > query.limit && last !== undefined;
    return { items, next: hasMore ? { createdDate: last.createdDate, id: last.id } : null };
  }
}
