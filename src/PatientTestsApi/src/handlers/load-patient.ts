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
    // The original answered 404 for any id it could not find; a non-GUID can match nothing, so it is
    // answered without an audit entry or a database read. (The route has no `:guid` constraint: it is the
    // PUT route's too, and PUT answers a non-GUID with 400, as the original did.)
    if (!isGuid(id)) throw new NotFoundError('No patient has this id.');
    const patient = await patients.load(id.toLowerCase(), callers.identify(request, context));
    return { status: 200, headers: { etag: etagOf(patient.version) }, jsonBody: toPatientJson(patient) };
  });
}
