import { spanOf, type CalendarDate } from '../domain/calendar-date';
import type { Gender, Patient } from '../domain/patient';

/**
 * A patient's current state, what search reads (its versions are in patient-version-document.ts).
 * `_id` and `_shardKey` are the patient id (the shard key of the Cosmos collection); `_dateOfBirthDate`
 * is the first instant of the birth date, for range search; `_version` is the version it shows.
 */
export interface PatientDocument {
  _id: string;
  _shardKey: string;
  _version: number;
  _dateOfBirthDate: Date;
  firstName: string;
  lastName?: string;
  fullName?: string;
  gender: Gender;
  /** Stored only after validation: a calendar date (the domain's type). */
  dateOfBirth: CalendarDate;
  postCode: string;
  insuranceNumber?: string;
  preferredContactNumber?: string;
  lastUpdated: Date;
}

const optionalMembers = ['lastName', 'fullName', 'insuranceNumber', 'preferredContactNumber'] as const;

/** What search reads of a patient: `_dateOfBirthDate` is the first instant of the (validated) date of birth. */
export function toPatientDocument(patient: Patient): PatientDocument {
  const document: PatientDocument = {
    _id: patient.id,
    _shardKey: patient.id,
    _version: patient.version,
    _dateOfBirthDate: spanOf(patient.dateOfBirth).start,
    firstName: patient.firstName,
    gender: patient.gender,
    dateOfBirth: patient.dateOfBirth,
    postCode: patient.postCode,
    lastUpdated: patient.lastUpdated,
  };
  for (const member of optionalMembers) {
    const value = patient[member];
    if (value !== undefined) document[member] = value;
  }
  return document;
}

/** Member by member, so nothing internal (`_id`, `_shardKey`, `_dateOfBirthDate`) can reach a response. */
export function fromPatientDocument(document: PatientDocument): Patient {
  const patient: { -readonly [K in keyof Patient]: Patient[K] } = {
    id: document._id,
    firstName: document.firstName,
    gender: document.gender,
    dateOfBirth: document.dateOfBirth,
    postCode: document.postCode,
    lastUpdated: document.lastUpdated,
    version: document._version,
  };
  for (const member of optionalMembers) {
    const value = document[member];
    if (value !== undefined) patient[member] = value;
  }
  return patient;
}
