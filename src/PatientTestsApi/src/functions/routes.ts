import type { HttpHandler } from '@azure/functions';
import { healthCheck, type HttpFunctionDefinition } from '@patient-tests/shared/functions';
import type appRoles from './app-roles.json';

/** The PatientTests API's app roles (app-roles.json): what a caller's token must carry for each function. */
export type PatientTestsRole = keyof (typeof appRoles)['roles'];

export interface PatientTestsHandlers {
  readonly createPatient: HttpHandler;
  readonly searchPatients: HttpHandler;
  readonly loadPatient: HttpHandler;
  readonly updatePatient: HttpHandler;
  readonly listPatientVersions: HttpHandler;
  readonly createTest: HttpHandler;
  readonly listTests: HttpHandler;
  readonly loadTest: HttpHandler;
}

const readWrite = { role: 'PatientTests.ReadWrite' } as const satisfies { role: PatientTestsRole };

/**
 * Every function of the PatientTests API, with its route and who may call it: every operation needs the
 * read-write role (API Management, for its subscribers; a system an operator lets call directly). The
 * access guard (registered with this table) refuses anything else.
 */
export function patientTestsRoutes(handlers: PatientTestsHandlers): HttpFunctionDefinition[] {
  return [
    { name: 'createPatient', methods: ['POST'], route: 'patient', access: readWrite, handler: handlers.createPatient },
    { name: 'searchPatients', methods: ['POST'], route: 'patient/search', access: readWrite, handler: handlers.searchPatients },
    { name: 'loadPatient', methods: ['GET'], route: 'patient/{patientId}', access: readWrite, handler: handlers.loadPatient },
    { name: 'updatePatient', methods: ['PUT'], route: 'patient/{patientId}', access: readWrite, handler: handlers.updatePatient },
    { name: 'listPatientVersions', methods: ['GET'], route: 'patient/{patientId:guid}/versions', access: readWrite, handler: handlers.listPatientVersions },
    { name: 'createTest', methods: ['POST'], route: 'patient/{patientId}/tests', access: readWrite, handler: handlers.createTest },
    { name: 'listTests', methods: ['GET'], route: 'patient/{patientId:guid}/tests', access: readWrite, handler: handlers.listTests },
    { name: 'loadTest', methods: ['GET'], route: 'patient/{patientId:guid}/tests/{testId:guid}', access: readWrite, handler: handlers.loadTest },
    healthCheck,
  ];
}
