import { declaredCollection, indexDescriptions } from '@patient-tests/shared/mongo';
import { z } from 'zod';
import declarations from './mongo-collections.json';

/** The collections Terraform creates from the same file (env/cosmos.tf), with their indexes. */
export const patientTestsCollections = z
  .object({
    collections: z.object({ patients: declaredCollection, patient_versions: declaredCollection, tests: declaredCollection, idempotency_keys: declaredCollection }),
  })
  .parse(declarations).collections;

/** Every searchable patient field (Cosmos DB indexes only `_id` by default), plus the birth-date range. */
export const patientIndexes = indexDescriptions(patientTestsCollections.patients);

/** A patient's versions: the newest (updates, loads) and pages of history, read in full reverse. */
export const patientVersionIndexes = indexDescriptions(patientTestsCollections.patient_versions);

/** A patient's tests in creation order. */
export const medicalTestIndexes = indexDescriptions(patientTestsCollections.tests);
