import type { Patient } from '../domain/patient';

/** The wire shape of a patient: no version (that is the ETag header), dates as ISO 8601. */
export function toPatientJson(patient: Patient) {
  return {
    id: patient.id,
    firstName: patient.firstName,
    lastName: patient.lastName,
    fullName: patient.fullName,
    gender: patient.gender,
    dateOfBirth: patient.dateOfBirth,
    postCode: patient.postCode,
    insuranceNumber: patient.insuranceNumber,
    preferredContactNumber: patient.preferredContactNumber,
    lastUpdated: patient.lastUpdated.toISOString(),
  };
}
