import { insertIfAbsent, withThrottlingRetry, type MongoConnection, type ThrottlingRetryPolicy } from '@patient-tests/shared/mongo';
import type { Collection } from 'mongodb';
import type { MedicalTest, MedicalTestStore } from '../domain/medical-test';
import { fromMedicalTestDocument, toMedicalTestDocument, type MedicalTestDocument } from './medical-test-document';

export class MongoMedicalTestStore implements MedicalTestStore {
  constructor(
    private readonly connection: MongoConnection,
    private readonly collectionName: string,
    private readonly retryPolicy: ThrottlingRetryPolicy,
  ) {}

  async insert(test: MedicalTest): Promise<boolean> {
    return insertIfAbsent(await this.collection(), toMedicalTestDocument(test), this.retryPolicy);
  }

  async findById(patientId: string, testId: string): Promise<MedicalTest | undefined> {
    const collection = await this.collection();
    const document = await withThrottlingRetry(() => collection.findOne({ _id: testId, _shardKey: patientId }), this.retryPolicy);
    return document ? fromMedicalTestDocument(document) : undefined;
  }

  async listByPatient(patientId: string): Promise<MedicalTest[]> {
    const collection = await this.collection();
    const documents = await withThrottlingRetry(
      () => collection.find({ _shardKey: patientId }).sort({ lastUpdated: 1, _id: 1 }).toArray(),
      this.retryPolicy,
    );
    return documents.map(fromMedicalTestDocument);
  }

  private async collection(): Promise<Collection<MedicalTestDocument>> {
    return (await this.connection.database()).collection<MedicalTestDocument>(this.collectionName);
  }
}
