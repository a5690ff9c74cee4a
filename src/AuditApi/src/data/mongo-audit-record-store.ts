import type { RetryingCollection } from '@patient-tests/shared/mongo';
import type { AuditRecord, AuditRecordQuery, AuditRecordStore } from '../domain/audit-record';
import { fromAuditRecordDocument, toAuditRecordDocument, type AuditRecordDocument } from './audit-record-document';
import { toFilterAndSort } from './audit-record-query';

/** The register's store on MongoDB: insert and find only, each under the throttling retry (RetryingCollection). */
export class MongoAuditRecordStore implements AuditRecordStore {
  constructor(private readonly records: RetryingCollection<AuditRecordDocument>) {}

  async insert(record: AuditRecord): Promise<void> {
    await this.records.insert(toAuditRecordDocument(record));
  }

  async findById(id: string): Promise<AuditRecord | undefined> {
    const document = await this.records.findOne({ _id: id });
    return document ? fromAuditRecordDocument(document) : undefined;
  }

  async find(query: AuditRecordQuery): Promise<AuditRecord[]> {
    const { filter, sort } = toFilterAndSort(query);
    return (await this.records.find(filter, { sort, limit: query.limit })).map(fromAuditRecordDocument);
  }
}
