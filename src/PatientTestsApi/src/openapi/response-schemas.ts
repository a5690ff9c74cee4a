import { z } from 'zod';
import { guid } from '@patient-tests/shared/schema';
import { observationSchema, testMembers } from '../domain/medical-test-schema';
import { patientMembers } from '../domain/patient-schema';

/** What responses carry, derived from the request schemas' members so the two cannot drift apart. */
export const patientSchema = z.strictObject({ ...patientMembers, id: guid, lastUpdated: z.iso.datetime() });

/** One stored version of a patient, as `GET /patient/{id}/versions` lists it. */
export const patientVersionSchema = z.strictObject({
  version: z.int().min(1),
  etag: z.string(),
  patient: patientSchema,
});

export const medicalTestSchema = z.strictObject({ ...testMembers, observations: z.array(observationSchema), id: guid, patientId: guid, lastUpdated: z.iso.datetime() });

/** Strict objects: the contract says a problem document has these members only (additionalProperties: false). */
export const problemSchema = z.strictObject({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  operationId: z.string().optional(),
  errors: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
});
