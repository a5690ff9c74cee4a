import { z } from 'zod';
import { createTestSchema, observationSchema } from '../domain/medical-test-schema';
import { createPatientSchema, guid } from '../domain/patient-schema';

/** What responses carry, derived from the request schemas so the two cannot drift apart. */
export const patientSchema = createPatientSchema
  .omit({ id: true, lastUpdated: true })
  .extend({ id: guid, lastUpdated: z.iso.datetime() });

/** One stored version of a patient, as `GET /patient/{id}/versions` lists it. */
export const patientVersionSchema = z.strictObject({
  version: z.int().min(1),
  etag: z.string(),
  patient: patientSchema,
});

export const medicalTestSchema = createTestSchema
  .omit({ id: true, lastUpdated: true, patientId: true })
  .extend({ id: guid, patientId: guid, lastUpdated: z.iso.datetime(), observations: z.array(observationSchema) });

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  operationId: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
