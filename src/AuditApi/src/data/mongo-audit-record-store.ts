import { withThrottlingRetry, type MongoConnection, type ThrottlingRetryPolicy } from '@patient-tests/shared';
import type { Collection, Filter } from 'mongodb';
import type { AuditRecord, AuditRecordQuery, AuditRecordStore } from '../domain/audit-record';
import { fromDocument, toDocument, type AuditRecordDocument } from './audit-record-document';

export class MongoAuditRecordStore implements AuditRecordStore {
  constructor(
    private readonly connection: MongoConnection,
    private readonly collectionName: string,
    private readonly retryPolicy: ThrottlingRetryPolicy,
  ) {}

  async insert(record: AuditRecord): Promise<void> {
    const collection = await this.collection();
    await withThrottlingRetry(() => collection.insertOne(toDocument(record)), this.retryPolicy);
  }

  async findById(id: string): Promise<AuditRecord | undefined> {
    const collection = await this.collection();
    const document = await withThrottlingRetry(() => collection.findOne({ _id: id }), this.retryPolicy);
    return document ? fromDocument(document) : undefined;
  }

  async find(query: AuditRecordQuery): Promise<AuditRecord[]> {
    const collection = await this.collection();
    const documents = await withThrottlingRetry(
      () => collection.find(toFilter(query)).sort({ createdDate: -1, _id: -1 }).limit(query.limit).toArray(),
      this.retryPolicy,
    );
    return documents.map(fromDocument);
  }

  private async collection(): Promise<Collection<AuditRecordDocument>> {
    return (await this.connection.database()).collection<AuditRecordDocument>(this.collectionName);
  }
}

function toFilter(query: AuditRecordQuery): Filter<AuditRecordDocument> {
  const filter: Filter<AuditRecordDocument> = { 'resource.type': query.resourceType };
  if (query.resourceId !== undefined) filter['resource.id'] = query.resourceId;
  if (query.after) {
    const { createdDate, id } = query.after;
    filter.$or = [{ createdDate: { $lt: createdDate } }, { createdDate, _id: { $lt: id } }];
  }
  return filter;
}
