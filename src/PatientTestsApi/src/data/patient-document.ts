import { spanOf } from '../domain/calendar-date';
import type { Patient } from '../domain/patient';
import { fromStoredFields, toStoredFields, type StoredPatientFields } from './stored-patient-fields';

/**
 * A patient's current state, what search reads (its versions are in patient-version-document.ts).
 * `_id` and `_shardKey` are the patient id (the shard key of the Cosmos collection); `_dateOfBirthDate`
 * is the first instant of the birth date, for range search; `_version` is the version it shows.
 */
export interface PatientDocument extends StoredPatientFields {
  _id: string;
  _shardKey: string;
  _version: number;
  _dateOfBirthDate: Date;
}

/** What search reads of a patient: `_dateOfBirthDate` is the first instant of the (validated) date of birth. */
export function toPatientDocument(patient: Patient): PatientDocument {
  return {
    _id: patient.id,
    _shardKey: patient.id,
    _version: patient.version,
    _dateOfBirthDate: spanOf(patient.dateOfBirth).start,
    ...toStoredFields(patient),
  };
}

export function fromPatientDocument(document: PatientDocument): Patient {
  return fromStoredFields(document, document._id, document._version);
}
