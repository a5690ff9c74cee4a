import type { HttpHandler } from '@azure/functions';
import { ValidationError } from '@patient-tests/shared/errors';
import { decode, decodeTogether, readJsonBody, routeId, withProblemHandling } from '@patient-tests/shared/http';
import type { PatientService } from '../domain/patient-service';
import { updatePatientSchema } from '../domain/patient-schema';
import { etagOf, expectedVersionOf, thirdPartyBodies } from './http-helpers';
import { toPatientJson } from './patient-json';
import type { CallerIdentity } from './caller-identity';

export function updatePatientHandler(patients: PatientService, callers: CallerIdentity, maxBodyBytes: number): HttpHandler {
  return withProblemHandling(async (request, context) => {
    const [patientId, body] = await decodeTogether(
      () => routeId(request, 'patientId'),
      async () => decode(updatePatientSchema, await readJsonBody(request, maxBodyBytes, thirdPartyBodies)),
    );
    if (body.id.toLowerCase() !== patientId) throw new ValidationError([{ field: 'id', message: 'must match the patient id in the URL' }]);
    const expectedVersion = expectedVersionOf(request);
    const patient = await patients.update(patientId, body.fields, expectedVersion, callers.identify(request, context));
    return { status: 200, headers: { etag: etagOf(patient.version) }, jsonBody: toPatientJson(patient) };
  });
}
