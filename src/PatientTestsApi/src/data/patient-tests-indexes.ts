import { declaredCollection, ensureIndexes, indexDescriptions } from '@patient-tests/shared/mongo';
import type { Db } from 'mongodb';
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

/** The app's collection names (settings; the defaults are the names Terraform gives them). */
export interface PatientTestsCollectionNames {
  readonly patients: string;
  readonly patientVersions: string;
  readonly tests: string;
  readonly idempotencyKeys: string;
}

/**
 * Creates the declared indexes, where the app is told to (the local stack); in Azure Terraform does.
 * Idempotency keys are found by `_id` alone: that collection declares none.
 */
export async function ensurePatientTestsIndexes(db: Db, names: PatientTestsCollectionNames): Promise<void> {
  await ensureIndexes(db.collection(names.patients), patientIndexes);
  await ensureIndexes(db.collection(names.patientVersions), patientVersionIndexes);
  await ensureIndexes(db.collection(names.tests), medicalTestIndexes);
}
