import type { RetryingCollection } from '@patient-tests/shared/mongo';
import type { MedicalTest, MedicalTestStore } from '../domain/medical-test';
import { fromMedicalTestDocument, toMedicalTestDocument, type MedicalTestDocument } from './medical-test-document';

/** Tests on MongoDB, each query scoped to one patient (the shard key), each under the throttling retry (RetryingCollection). */
export class MongoMedicalTestStore implements MedicalTestStore {
  constructor(private readonly tests: RetryingCollection<MedicalTestDocument>) {}

  async insert(test: MedicalTest): Promise<boolean> {
    return this.tests.insertIfAbsent(toMedicalTestDocument(test));
  }

  async findById(patientId: string, testId: string): Promise<MedicalTest | undefined> {
    const document = await this.tests.findOne({ _id: testId, _shardKey: patientId });
    return document ? fromMedicalTestDocument(document) : undefined;
  }

  async listByPatient(patientId: string): Promise<MedicalTest[]> {
    return (await this.tests.find({ _shardKey: patientId }, { sort: { lastUpdated: 1, _id: 1 } })).map(fromMedicalTestDocument);
  }
}
