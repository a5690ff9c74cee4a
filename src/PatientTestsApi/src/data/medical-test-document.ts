import type { MedicalTest, Observation } from '../domain/medical-test';

/** `_shardKey` is the patient id, so a patient's tests share one partition, as in the original. */
export interface MedicalTestDocument {
  _id: string;
  _shardKey: string;
  patientId: string;
  performer: string;
  orderReference: string;
  observations: Observation[];
  lastUpdated: Date;
}

export function toMedicalTestDocument(test: MedicalTest): MedicalTestDocument {
  return {
    _id: test.id,
    _shardKey: test.patientId,
    patientId: test.patientId,
    performer: test.performer,
    orderReference: test.orderReference,
    observations: test.observations.map(copyObservation),
    lastUpdated: test.lastUpdated,
  };
}

export function fromMedicalTestDocument(document: MedicalTestDocument): MedicalTest {
  return {
    id: document._id,
    patientId: document.patientId,
    performer: document.performer,
    orderReference: document.orderReference,
    observations: document.observations.map(copyObservation),
    lastUpdated: document.lastUpdated,
  };
}

function copyObservation(observation: Observation): Observation {
  const { id, code, measurement, interpretation, status, issued } = observation;
  return { id, code, measurement, interpretation, status, issued };
}
