import { setTimeout as delay } from 'node:timers/promises';
import type { RetryingCollection } from '@patient-tests/shared/mongo';
import type { Filter } from 'mongodb';
import type { AppendOutcome, PageRequest, Patient, PatientCriteria, PatientStore, VersionPageRequest } from '../domain/patient';
import { fromPatientDocument, toPatientDocument, type PatientDocument } from './patient-document';
import { toSearchFilter } from './patient-search-filter';
import { fromPatientVersionDocument, toPatientVersionDocument, versionDocumentId, type PatientVersionDocument } from './patient-version-document';

/** The two collections of patients, each reached through the throttling retry (RetryingCollection). */
export interface PatientCollections {
  /** Each patient's current state: what search reads. */
  readonly current: RetryingCollection<PatientDocument>;
  /** Every version of every patient, immutable: the record of truth for reads and updates. */
  readonly versions: RetryingCollection<PatientVersionDocument>;
}

/**
 * Rounds of bringing the current-state document up to the newest version while the newest version stays
 * the same, before giving up (logged; a later read repairs). A round in which a newer version appeared is
 * progress by another writer, not a failure: it does not count against this bound, only against the
 * overall one, so a burst of updates to one patient cannot exhaust an early writer.
 */
const maxStalledPublishRounds = 10;
const maxPublishRounds = 100;
/** Upper bound of the random pause after a round that lost a race, so colliding writers spread out. */
const publishPauseMs = 20;
const newestFirst = { _shardKey: -1, _version: -1 } as const;

export class MongoPatientStore implements PatientStore {
  private readonly current: RetryingCollection<PatientDocument>;
  private readonly versionsOf: RetryingCollection<PatientVersionDocument>;

  constructor(collections: PatientCollections) {
    this.current = collections.current;
    this.versionsOf = collections.versions;
  }

  /**
   * The record of truth only: version 1, whose unique insert creates the patient. Its searchable copy
   * follows with `publish`, which the use case calls as a follow-up.
   */
  async insert(patient: Patient): Promise<boolean> {
    return this.versionsOf.insertIfAbsent(toPatientVersionDocument(patient));
  }

  async findById(id: string): Promise<Patient | undefined> {
    const newest = await this.versionsOf.findFirst({ _shardKey: id }, newestFirst);
    return newest ? fromPatientVersionDocument(newest) : this.recordUnversioned(id);
  }

  /** A patient stored before versions existed has its current state only: that is its version then. */
  async findVersion(id: string, version: number): Promise<Patient | undefined> {
    const stored = await this.versionsOf.findOne({ _id: versionDocumentId(id, version), _shardKey: id });
    if (stored) return fromPatientVersionDocument(stored);
    const shown = await this.current.findOne({ _id: id, _shardKey: id, _version: version });
    return shown ? fromPatientDocument(shown) : undefined;
  }

  /** The searchable copy answers for almost every patient; a version answers for one not yet published. */
  async exists(id: string): Promise<boolean> {
    if ((await this.current.findOne({ _id: id, _shardKey: id }, { projection: { _id: 1 } })) !== null) return true;
    return (await this.versionsOf.findOne({ _shardKey: id }, { projection: { _id: 1 } })) !== null;
  }

  async appendVersion(patient: Patient): Promise<AppendOutcome> {
    return (await this.versionsOf.insertIfAbsent(toPatientVersionDocument(patient))) ? 'appended' : 'taken';
  }

  async publishedVersion(id: string): Promise<number | undefined> {
    return (await this.current.findOne({ _id: id, _shardKey: id }, { projection: { _version: 1 } }))?._version;
  }

  async versions(id: string, page: VersionPageRequest): Promise<Patient[]> {
    const filter: Filter<PatientVersionDocument> = { _shardKey: id };
    if (page.beforeVersion !== undefined) filter._version = { $lt: page.beforeVersion };
    const found = await this.versionsOf.find(filter, { sort: newestFirst, limit: page.limit });
    if (found.length > 0 || page.beforeVersion !== undefined) return found.map(fromPatientVersionDocument);
    const unversioned = await this.recordUnversioned(id);
    return unversioned ? [unversioned] : [];
  }

  async search(criteria: PatientCriteria, page: PageRequest): Promise<Patient[]> {
    const documents = await this.current.find(toSearchFilter(criteria, page.afterId), { sort: { _id: 1 }, limit: page.limit });
    return documents.map(fromPatientDocument);
  }

  /**
   * A patient with a current-state document but no version: stored before versions existed, or read
   * between the two inserts of its creation. Its current state is recorded as its version (once: the
   * insert is unique), so history and updates start from it.
   */
  private async recordUnversioned(id: string): Promise<Patient | undefined> {
    const document = await this.current.findOne({ _id: id, _shardKey: id });
    if (!document) return undefined;
    const patient = fromPatientDocument(document);
    await this.versionsOf.insertIfAbsent(toPatientVersionDocument(patient));
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
    let stalled = 0;
    let target: number | undefined;
    for (let round = 0; ; round++) {
      const newest = await this.versionsOf.findFirst({ _shardKey: id }, newestFirst);
      if (!newest) return;
      const shown = await this.publishedVersion(id);
      if (shown !== undefined && shown >= newest._version) return;
      stalled = newest._version === target ? stalled + 1 : 0;
      target = newest._version;
      if (stalled >= maxStalledPublishRounds || round >= maxPublishRounds) {
        throw new Error(`the searchable copy did not reach version ${newest._version} in ${round} rounds`);
      }
      if (round > 0) await delay(Math.random() * publishPauseMs);
      const document = toPatientDocument(fromPatientVersionDocument(newest));
      if (shown === undefined) await this.current.insertIfAbsent(document);
      else await this.current.replaceOne({ _id: id, _shardKey: id, _version: { $lt: newest._version } }, document);
    }
  }
}
