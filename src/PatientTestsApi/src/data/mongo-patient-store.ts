import { insertIfAbsent, withThrottlingRetry, type MongoConnection, type ThrottlingRetryPolicy } from '@patient-tests/shared/mongo';
import type { Collection, Filter } from 'mongodb';
import { dateSpan } from '../domain/calendar-date';
import type { AppendOutcome, PageRequest, Patient, PatientCriteria, PatientStore, VersionPageRequest } from '../domain/patient';
import { fromPatientDocument, toPatientDocument, type PatientDocument } from './patient-document';
import { toSearchFilter } from './patient-search-filter';
import { fromPatientVersionDocument, toPatientVersionDocument, versionDocumentId, type PatientVersionDocument } from './patient-version-document';

export interface PatientCollectionNames {
  /** Each patient's current state: what search reads. */
  readonly patients: string;
  /** Every version of every patient, immutable: the record of truth for reads and updates. */
  readonly versions: string;
}

/** Rounds of bringing the current-state document up to the newest version before giving up (logged; a later read repairs). */
const maxPublishRounds = 10;
const newestFirst = { _shardKey: -1, _version: -1 } as const;

export class MongoPatientStore implements PatientStore {
  constructor(
    private readonly connection: MongoConnection,
    private readonly names: PatientCollectionNames,
    private readonly retryPolicy: ThrottlingRetryPolicy,
  ) {}

  /**
   * The record of truth only: version 1, whose unique insert creates the patient. Its searchable copy
   * follows with `publish`, which the use case calls as a follow-up.
   */
  async insert(patient: Patient): Promise<boolean> {
    const { versions } = await this.collections();
    return insertIfAbsent(versions, toPatientVersionDocument(patient), this.retryPolicy);
  }

  async findById(id: string): Promise<Patient | undefined> {
    const { versions } = await this.collections();
    const newest = await this.retry(() => versions.find({ _shardKey: id }).sort(newestFirst).limit(1).next());
    return newest ? fromPatientVersionDocument(newest) : this.recordUnversioned(id);
  }

  /** A patient stored before versions existed has its current state only: that is its version then. */
  async findVersion(id: string, version: number): Promise<Patient | undefined> {
    const { current, versions } = await this.collections();
    const stored = await this.retry(() => versions.findOne({ _id: versionDocumentId(id, version), _shardKey: id }));
    if (stored) return fromPatientVersionDocument(stored);
    const shown = await this.retry(() => current.findOne({ _id: id, _shardKey: id, _version: version }));
    return shown ? fromPatientDocument(shown) : undefined;
  }

  /** The searchable copy answers for almost every patient; a version answers for one not yet published. */
  async exists(id: string): Promise<boolean> {
    const { current, versions } = await this.collections();
    if ((await this.retry(() => current.findOne({ _id: id, _shardKey: id }, { projection: { _id: 1 } }))) !== null) return true;
    return (await this.retry(() => versions.findOne({ _shardKey: id }, { projection: { _id: 1 } }))) !== null;
  }

  async appendVersion(patient: Patient): Promise<AppendOutcome> {
    const { versions } = await this.collections();
    return (await insertIfAbsent(versions, toPatientVersionDocument(patient), this.retryPolicy)) ? 'appended' : 'taken';
  }

  async publishedVersion(id: string): Promise<number | undefined> {
    const { current } = await this.collections();
    return (await this.retry(() => current.findOne({ _id: id, _shardKey: id }, { projection: { _version: 1 } })))?._version;
  }

  async versions(id: string, page: VersionPageRequest): Promise<Patient[]> {
    const { versions } = await this.collections();
    const filter: Filter<PatientVersionDocument> = { _shardKey: id };
    if (page.beforeVersion !== undefined) filter._version = { $lt: page.beforeVersion };
    const found = await this.retry(() => versions.find(filter).sort(newestFirst).limit(page.limit).toArray());
    if (found.length > 0 || page.beforeVersion !== undefined) return found.map(fromPatientVersionDocument);
    const unversioned = await this.recordUnversioned(id);
    return unversioned ? [unversioned] : [];
  }

  async search(criteria: PatientCriteria, page: PageRequest): Promise<Patient[]> {
    const { current } = await this.collections();
    const documents = await this.retry(() => current.find(toSearchFilter(criteria, page.afterId)).sort({ _id: 1 }).limit(page.limit).toArray());
    return documents.map(fromPatientDocument);
  }

  /**
   * A patient with a current-state document but no version: stored before versions existed, or read
   * between the two inserts of its creation. Its current state is recorded as its version (once: the
   * insert is unique), so history and updates start from it.
   */
  private async recordUnversioned(id: string): Promise<Patient | undefined> {
    const { current, versions } = await this.collections();
    const document = await this.retry(() => current.findOne({ _id: id, _shardKey: id }));
    if (!document) return undefined;
    const patient = fromPatientDocument(document);
    await insertIfAbsent(versions, toPatientVersionDocument(patient), this.retryPolicy);
    return patient;
  }

  /**
   * Brings the current-state document (what search reads) up to the newest version, inserting it when
   * the patient has none yet. Writers that appended different versions may overwrite each other here in
   * any order, and FerretDB does not apply the `_version < newest` filter atomically, so each writer
   * checks that the document shows at least the newest version and repeats otherwise: the last writer to
   * finish leaves it current. Reads and updates never depend on it, they read the versions.
   */
  async publish(id: string): Promise<void> {
    const { current, versions } = await this.collections();
    for (let round = 0; ; round++) {
      const newest = await this.retry(() => versions.find({ _shardKey: id }).sort(newestFirst).limit(1).next());
      if (!newest) return;
      const shown = await this.publishedVersion(id);
      if (shown !== undefined && shown >= newest._version) return;
      if (round >= maxPublishRounds) throw new Error(`the searchable copy did not reach version ${newest._version} in ${maxPublishRounds} rounds`);
      const document = toDocument(fromPatientVersionDocument(newest));
      if (shown === undefined) await insertIfAbsent(current, document, this.retryPolicy);
      else await this.retry(() => current.replaceOne({ _id: id, _shardKey: id, _version: { $lt: newest._version } }, document));
    }
  }

  private retry<T>(operation: () => Promise<T>): Promise<T> {
    return withThrottlingRetry(operation, this.retryPolicy);
  }

  private async collections(): Promise<{ current: Collection<PatientDocument>; versions: Collection<PatientVersionDocument> }> {
    const db = await this.connection.database();
    return { current: db.collection<PatientDocument>(this.names.patients), versions: db.collection<PatientVersionDocument>(this.names.versions) };
  }
}

function toDocument(patient: Patient): PatientDocument {
  const span = dateSpan(patient.dateOfBirth);
  if (!span) throw new Error('dateOfBirth passed validation but is not a calendar date');
  return toPatientDocument(patient, span.start);
}
