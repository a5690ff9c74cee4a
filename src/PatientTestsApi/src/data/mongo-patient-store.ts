import { withThrottlingRetry, type MongoConnection, type ThrottlingRetryPolicy } from '@patient-tests/shared';
import type { Collection, Filter } from 'mongodb';
import { dateSpan } from '../domain/calendar-date';
import type { PageRequest, Patient, PatientCriteria, PatientStore, ReplaceOutcome } from '../domain/patient';
import { fromPatientDocument, toPatientDocument, type PatientDocument } from './patient-document';

export class MongoPatientStore implements PatientStore {
  constructor(
    private readonly connection: MongoConnection,
    private readonly collectionName: string,
    private readonly retryPolicy: ThrottlingRetryPolicy,
  ) {}

  async insert(patient: Patient): Promise<void> {
    const collection = await this.collection();
    await this.retry(() => collection.insertOne(toDocument(patient)));
  }

  async findById(id: string): Promise<Patient | undefined> {
    const collection = await this.collection();
    const document = await this.retry(() => collection.findOne({ _id: id, _shardKey: id }));
    return document ? fromPatientDocument(document) : undefined;
  }

  async exists(id: string): Promise<boolean> {
    const collection = await this.collection();
    return (await this.retry(() => collection.findOne({ _id: id, _shardKey: id }, { projection: { _id: 1 } }))) !== null;
  }

  async replace(patient: Patient, expectedVersion: number): Promise<ReplaceOutcome> {
    const collection = await this.collection();
    const filter = { _id: patient.id, _shardKey: patient.id, _version: expectedVersion };
    const result = await this.retry(() => collection.replaceOne(filter, toDocument(patient)));
    if (result.matchedCount === 1) return 'replaced';
    return (await this.exists(patient.id)) ? 'version-mismatch' : 'missing';
  }

  async search(criteria: PatientCriteria, page: PageRequest): Promise<Patient[]> {
    const collection = await this.collection();
    const documents = await this.retry(() =>
      collection.find(toFilter(criteria, page.afterId)).sort({ _id: 1 }).limit(page.limit).toArray(),
    );
    return documents.map(fromPatientDocument);
  }

  private retry<T>(operation: () => Promise<T>): Promise<T> {
    return withThrottlingRetry(operation, this.retryPolicy);
  }

  private async collection(): Promise<Collection<PatientDocument>> {
    return (await this.connection.database()).collection<PatientDocument>(this.collectionName);
  }
}

function toDocument(patient: Patient): PatientDocument {
  const span = dateSpan(patient.dateOfBirth);
  if (!span) throw new Error('dateOfBirth passed validation but is not a calendar date');
  return toPatientDocument(patient, span.start);
}

const exactMatchFields = ['firstName', 'lastName', 'fullName', 'gender', 'postCode', 'insuranceNumber', 'preferredContactNumber'] as const;

/** Equality on every given field (values are validated strings, never operators), id order for paging. */
function toFilter(criteria: PatientCriteria, afterId: string | undefined): Filter<PatientDocument> {
  const { id, bornFrom, bornTo } = criteria;
  const filter: Filter<PatientDocument> = {};
  for (const field of exactMatchFields) {
    const value = criteria[field];
    if (value !== undefined) (filter as Record<string, unknown>)[field] = value;
  }
  const idRange: { $eq?: string; $gt?: string } = {};
  if (id !== undefined) idRange.$eq = id;
  if (afterId !== undefined) idRange.$gt = afterId;
  if (Object.keys(idRange).length > 0) filter._id = idRange;
  const born: { $gte?: Date; $lte?: Date } = {};
  if (bornFrom) born.$gte = bornFrom;
  if (bornTo) born.$lte = bornTo;
  if (Object.keys(born).length > 0) filter._dateOfBirthDate = born;
  return filter;
}
