import type { Patient } from '../domain/patient';
import { fromStoredFields, toStoredFields, type StoredPatientFields } from './stored-patient-fields';

/**
 * One immutable version of a patient, in the `patientversions` collection. `_id` is the patient id and
 * the version number, so a version can be stored once only: the unique insert that serializes writers
 * (docs/decisions/0002-unique-inserts.md).
 * `_shardKey` is the patient id, so a patient's history is one partition and every query carries it.
 */
export interface PatientVersionDocument extends StoredPatientFields {
  _id: string;
  _shardKey: string;
  _version: number;
  patientId: string;
}

export function versionDocumentId(patientId: string, version: number): string {
  return `${patientId}:${version}`;
}

export function toPatientVersionDocument(patient: Patient): PatientVersionDocument {
  return {
    _id: versionDocumentId(patient.id, patient.version),
    _shardKey: patient.id,
    _version: patient.version,
    patientId: patient.id,
    ...toStoredFields(patient),
  };
}

export function fromPatientVersionDocument(document: PatientVersionDocument): Patient {
  return fromStoredFields(document, document.patientId, document._version);
}
