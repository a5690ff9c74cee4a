import type { CalendarDate } from '../domain/calendar-date';
import type { Gender, Patient } from '../domain/patient';

/**
 * One immutable version of a patient, in the `patientversions` collection. `_id` is the patient id and
 * the version number, so a version can be stored once only: the unique insert that serializes writers.
 * `_shardKey` is the patient id, so a patient's history is one partition and every query carries it.
 */
export interface PatientVersionDocument {
  _id: string;
  _shardKey: string;
  _version: number;
  patientId: string;
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

export function versionDocumentId(patientId: string, version: number): string {
  return `${patientId}:${version}`;
}

export function toPatientVersionDocument(patient: Patient): PatientVersionDocument {
  const document: PatientVersionDocument = {
    _id: versionDocumentId(patient.id, patient.version),
    _shardKey: patient.id,
    _version: patient.version,
    patientId: patient.id,
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

/** Member by member, so nothing internal can reach a response. */
export function fromPatientVersionDocument(document: PatientVersionDocument): Patient {
  const patient: { -readonly [K in keyof Patient]: Patient[K] } = {
    id: document.patientId,
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
