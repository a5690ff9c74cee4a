import type { CalendarDate } from '../domain/calendar-date';
import type { Gender, Patient } from '../domain/patient';

/** What a patient's current state and each of its versions both store of it, as the domain has it. */
export interface StoredPatientFields {
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

/** Member by member, so an absent optional member stays absent rather than stored as undefined. */
export function toStoredFields(patient: Patient): StoredPatientFields {
  const fields: StoredPatientFields = {
    firstName: patient.firstName,
    gender: patient.gender,
    dateOfBirth: patient.dateOfBirth,
    postCode: patient.postCode,
    lastUpdated: patient.lastUpdated,
  };
  for (const member of optionalMembers) {
    const value = patient[member];
    if (value !== undefined) fields[member] = value;
  }
  return fields;
}

/** Member by member, so nothing internal to a document (`_id`, `_shardKey`, ...) can reach a response. */
export function fromStoredFields(fields: StoredPatientFields, id: string, version: number): Patient {
  const patient: { -readonly [K in keyof Patient]: Patient[K] } = {
    id,
    firstName: fields.firstName,
    gender: fields.gender,
    dateOfBirth: fields.dateOfBirth,
    postCode: fields.postCode,
    lastUpdated: fields.lastUpdated,
    version,
  };
  for (const member of optionalMembers) {
    const value = fields[member];
    if (value !== undefined) patient[member] = value;
  }
  return patient;
}
