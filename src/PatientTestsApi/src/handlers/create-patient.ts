import type { HttpHandler } from '@azure/functions';
import { decode, readJsonBody, withProblemHandling } from '@patient-tests/shared';
import type { PatientService } from '../domain/patient-service';
import { createPatientSchema } from '../domain/patient-schema';
import { etagOf, locationOf } from './http-helpers';
import { toPatientJson } from './patient-json';
import type { RequestScopes } from './request-scopes';

export function createPatientHandler(patients: PatientService, scopes: RequestScopes, maxBodyBytes: number): HttpHandler {
  return withProblemHandling(async (request, context) => {
    const { id: _id, lastUpdated: _lastUpdated, ...fields } = decode(createPatientSchema, await readJsonBody(request, maxBodyBytes));
    const patient = await patients.create(fields, scopes.of(request, context));
    return {
      status: 201,
      headers: { location: locationOf(request, patient.id), etag: etagOf(patient.version) },
      jsonBody: toPatientJson(patient),
    };
  });
}
