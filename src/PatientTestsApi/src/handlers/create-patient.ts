import type { HttpHandler } from '@azure/functions';
import { decode, readJsonBody, withProblemHandling } from '@patient-tests/shared';
import type { PatientService } from '../domain/patient-service';
import { createPatientSchema } from '../domain/patient-schema';
import { etagOf, locationOf, scopeOf } from './http-helpers';
import { toPatientJson } from './patient-json';

export function createPatientHandler(patients: PatientService, maxBodyBytes: number): HttpHandler {
  return withProblemHandling(async (request, context) => {
    const { id: _id, lastUpdated: _lastUpdated, ...fields } = decode(createPatientSchema, await readJsonBody(request, maxBodyBytes));
    const patient = await patients.create(fields, scopeOf(context));
    return {
      status: 201,
      headers: { location: locationOf(request, patient.id), etag: etagOf(patient.version) },
      jsonBody: toPatientJson(patient),
    };
  });
}
