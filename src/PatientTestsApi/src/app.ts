import { MongoConnection, RetryingCollection } from '@patient-tests/shared/mongo';
import type { Document } from 'mongodb';
import { accessGuard, managedIdentityTokens, type HttpAccessGuard } from '@patient-tests/shared/auth';
import type { HttpFunctionDefinition } from '@patient-tests/shared/functions';
import { AuditClient } from './clients/audit-client';
import type { PatientTestsConfig } from './config';
import type { MedicalTestDocument } from './data/medical-test-document';
import { MongoKeyClaimStore, type KeyClaimDocument } from './data/mongo-key-claim-store';
import { MongoMedicalTestStore } from './data/mongo-medical-test-store';
import { MongoPatientStore } from './data/mongo-patient-store';
import type { PatientDocument } from './data/patient-document';
import { ensurePatientTestsIndexes } from './data/patient-tests-indexes';
import type { PatientVersionDocument } from './data/patient-version-document';
import { IdempotentCreations } from './domain/idempotent-creations';
import { MedicalTestService } from './domain/medical-test-service';
import { PatientService } from './domain/patient-service';
import { patientTestsRoutes } from './functions/routes';
import { createPatientHandler } from './handlers/create-patient';
import { createTestHandler } from './handlers/create-test';
import { listTestsHandler } from './handlers/list-tests';
import { loadPatientHandler } from './handlers/load-patient';
import { listPatientVersionsHandler } from './handlers/list-patient-versions';
import { loadTestHandler } from './handlers/load-test';
import { CallerIdentity } from './handlers/caller-identity';
import { searchPatientsHandler } from './handlers/search-patients';
import { updatePatientHandler } from './handlers/update-patient';

export interface ComposedApp {
  readonly functions: HttpFunctionDefinition[];
  /** Checks every caller before a function runs (registered with the functions, index.ts). */
  readonly guard: HttpAccessGuard;
  readonly connection: MongoConnection;
}

/** Composition root: one connection, its collections, one audit client and the services, built once per process. */
export function composePatientTestsApp(config: PatientTestsConfig): ComposedApp {
  const { mongo } = config;
  // Terraform owns collections and indexes in Azure; only the local stack asks the app to create them.
  const connection = new MongoConnection({ ...mongo, appName: 'patient-tests-api' }, mongo.createIndexes ? (db) => ensurePatientTestsIndexes(db, mongo.collections) : undefined);
  const collection = <T extends Document>(name: string) => new RetryingCollection<T>(connection, name, config.throttling);
  const patientStore = new MongoPatientStore({
    current: collection<PatientDocument>(mongo.collections.patients),
    versions: collection<PatientVersionDocument>(mongo.collections.patientVersions),
  });
  const testStore = new MongoMedicalTestStore(collection<MedicalTestDocument>(mongo.collections.tests));
  const audit = new AuditClient(config.audit, managedIdentityTokens(config.auditToken));
  const creations = new IdempotentCreations(new MongoKeyClaimStore(collection<KeyClaimDocument>(mongo.collections.idempotencyKeys)), config.idempotencyKeyLifetimeMs);
  const patients = new PatientService(patientStore, audit, creations);
  const tests = new MedicalTestService(testStore, patientStore, audit, creations);
  const callers = new CallerIdentity(config.gatewayObjectIds);
  return {
    connection,
    guard: accessGuard(config.auth, config.roleHolders),
    functions: patientTestsRoutes({
      createPatient: createPatientHandler(patients, callers, config.maxBodyBytes),
      searchPatients: searchPatientsHandler(patients, callers, config.maxBodyBytes),
      loadPatient: loadPatientHandler(patients, callers),
      updatePatient: updatePatientHandler(patients, callers, config.maxBodyBytes),
      listPatientVersions: listPatientVersionsHandler(patients, callers),
      createTest: createTestHandler(tests, callers, config.maxBodyBytes),
      listTests: listTestsHandler(tests, callers),
      loadTest: loadTestHandler(tests, callers),
    }),
  };
}
