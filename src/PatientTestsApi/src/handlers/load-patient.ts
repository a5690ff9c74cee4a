import type { HttpHandler } from '@azure/functions';
import { NotFoundError } from '@patient-tests/shared/errors';
import { withProblemHandling } from '@patient-tests/shared/http';
import { isGuid } from '@patient-tests/shared/schema';
import type { PatientService } from '../domain/patient-service';
import { etagOf } from './http-helpers';
import { toPatientJson } from './patient-json';
import type { CallerIdentity } from './caller-identity';

export function loadPatientHandler(patients: PatientService, callers: CallerIdentity): HttpHandler {
  return withProblemHandling(async (request, context) => {
    const id = request.params.patientId;
    // A non-GUID can match nothing: 404 without an audit entry or a database read. The route has no
    // `:guid` constraint because PUT shares it and answers a non-GUID with 400.
    if (!isGuid(id)) throw new NotFoundError('No patient has this id.');
    const patient = await patients.load(id.toLowerCase(), callers.identify(request, context));
    return { status: 200, headers: { etag: etagOf(patient.version) }, jsonBody: toPatientJson(patient) };
  });
}
