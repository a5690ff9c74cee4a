import type { CalendarDate } from './calendar-date';

export const genders = ['male', 'female', 'other', 'unknown'] as const;
export type Gender = (typeof genders)[number];

/** What a client may set on a patient. */
export interface PatientFields {
  readonly firstName: string;
  readonly lastName?: string | undefined;
  readonly fullName?: string | undefined;
  readonly gender: Gender;
  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as the client sent it, validated (calendar-date.ts). */
  readonly dateOfBirth: CalendarDate;
  readonly postCode: string;
  readonly insuranceNumber?: string | undefined;
  readonly preferredContactNumber?: string | undefined;
}

export interface Patient extends PatientFields {
  readonly id: string;
  readonly lastUpdated: Date;
  /** Increases with every stored change; the ETag clients use for optimistic concurrency. */
  readonly version: number;
}

/** The fields a search matches exactly: every client-set field but the date of birth, which is a range. */
export const exactMatchFields = ['firstName', 'lastName', 'fullName', 'gender', 'postCode', 'insuranceNumber', 'preferredContactNumber'] as const;

/** Exact-match criteria plus an inclusive date-of-birth range; absent members do not filter. */
export interface PatientCriteria extends Partial<Pick<PatientFields, (typeof exactMatchFields)[number]>> {
  readonly id?: string | undefined;
  readonly bornFrom?: Date | undefined;
  readonly bornTo?: Date | undefined;
}

export interface PageRequest {
  readonly limit: number;
  /** Return only patients whose id sorts after this one. */
  readonly afterId?: string | undefined;
}

export interface VersionPageRequest {
  readonly limit: number;
  /** Return only versions older than this one. */
  readonly beforeVersion?: number | undefined;
}

/** `taken`: another writer stored this version number first; the caller's base is no longer current. */
export type AppendOutcome = 'appended' | 'taken';

/**
 * The port the domain owns for patients; there is deliberately no delete. A patient is a sequence of
 * immutable versions; version n+1 can be stored once only, whoever tries second is told `taken`.
 * Search reads a copy of the newest version, which `publish` brings up to date after the change.
 * Why: docs/decisions/0002-unique-inserts.md, docs/decisions/0003-versions-and-searchable-copy.md
 */
export interface PatientStore {
  /** Stores a new patient as its version 1; false, storing nothing, when a patient has this id already. */
  insert(patient: Patient): Promise<boolean>;
  /** The patient's newest version. */
  findById(id: string): Promise<Patient | undefined>;
  /** One version of the patient, e.g. the first (what a replayed create answers with). */
  findVersion(id: string, version: number): Promise<Patient | undefined>;
  exists(id: string): Promise<boolean>;
  /** Stores `patient` as version `patient.version`, unless that version exists already. */
  appendVersion(patient: Patient): Promise<AppendOutcome>;
  /** The patient's versions, newest first. */
  versions(id: string, page: VersionPageRequest): Promise<Patient[]>;
  /** Patients matching the criteria, ordered by id: the searchable copies, which may lag (see above). */
  search(criteria: PatientCriteria, page: PageRequest): Promise<Patient[]>;
  /** Brings the patient's searchable copy up to its newest version; rejects when it could not. */
  publish(id: string): Promise<void>;
  /** The version the patient's searchable copy shows; undefined when search does not have the patient. */
  publishedVersion(id: string): Promise<number | undefined>;
}
