import type { MedicalTest } from '../domain/medical-test';

export function toMedicalTestJson(test: MedicalTest) {
  return {
    id: test.id,
    patientId: test.patientId,
    performer: test.performer,
    orderReference: test.orderReference,
    observations: test.observations,
    lastUpdated: test.lastUpdated.toISOString(),
  };
}
