import { randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError } from '@patient-tests/shared/errors';
import type { AuditRecord, AuditRecordInput, AuditRecordQuery, AuditRecordStore } from './audit-record';
import { decodeContinuationToken, encodeContinuationToken } from './continuation-token';

export interface AuditPage {
  readonly items: AuditRecord[];
  readonly continuationToken: string | null;
}

export interface ListRequest extends Omit<AuditRecordQuery, 'after'> {
  readonly continuationToken?: string | undefined;
}

/** The use cases of the register: append, read one, and page through records by resource, actor or time. */
export class AuditRegister {
  constructor(
    private readonly store: AuditRecordStore,
    private readonly now: () => Date = () => new Date(),
    private readonly newId: () => string = randomUUID,
  ) {}

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

  async list(request: ListRequest): Promise<AuditPage> {
    const after = request.continuationToken === undefined ? undefined : decodeContinuationToken(request.continuationToken);
    if (request.continuationToken !== undefined && after === undefined) {
      throw new ValidationError([{ field: 'continuationToken', message: 'is not a token this API issued' }]);
    }
    // One extra record tells whether another page exists without a count query.
    const { continuationToken: _token, ...query } = request;
    const found = await this.store.find({ ...query, limit: request.limit + 1, after });
    const items = found.slice(0, request.limit);
    const last = items.at(-1);
    const hasMore = found.length > request.limit && last !== undefined;
    return { items, continuationToken: hasMore ? encodeContinuationToken(last) : null };
  }
}
