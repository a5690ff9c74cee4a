import { withThrottlingRetry, type MongoConnection, type ThrottlingRetryPolicy } from '@patient-tests/shared/mongo';
import type { Collection } from 'mongodb';
import type { AuditRecord, AuditRecordQuery, AuditRecordStore } from '../domain/audit-record';
import { fromDocument, toDocument, type AuditRecordDocument } from './audit-record-document';
import { toFilterAndSort } from './audit-record-query';

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
    const { filter, sort } = toFilterAndSort(query);
    const documents = await withThrottlingRetry(() => collection.find(filter).sort(sort).limit(query.limit).toArray(), this.retryPolicy);
    return documents.map(fromDocument);
  }

  private async collection(): Promise<Collection<AuditRecordDocument>> {
    return (await this.connection.database()).collection<AuditRecordDocument>(this.collectionName);
  }
}
