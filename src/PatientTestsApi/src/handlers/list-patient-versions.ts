import type { HttpHandler } from '@azure/functions';
import { decode, decodeTogether, queryParameters, routeId, withProblemHandling } from '@patient-tests/shared/http';
import type { PatientService } from '../domain/patient-service';
import { versionPageSchema } from '../domain/patient-schema';
import { continuationHeader, etagOf } from './http-helpers';
import { toPatientJson } from './patient-json';
import type { CallerIdentity } from './caller-identity';

/**
 * A patient's versions, newest first: a bare array paged with the continuation header, as search is.
 * Each item carries its version and ETag beside the patient as it was, so a client can restore one by
 * PUTting its `patient` back.
 */
export function listPatientVersionsHandler(patients: PatientService, callers: CallerIdentity): HttpHandler {
  return withProblemHandling(async (request, context) => {
    const [patientId, page] = await decodeTogether(
      () => routeId(request, 'patientId'),
      () => decode(versionPageSchema, queryParameters(request)),
    );
    const result = await patients.versions(patientId, page.limit, page.continuationToken, callers.identify(request, context));
    const headers: Record<string, string> = {};
    if (result.nextBeforeVersion !== null) headers[continuationHeader] = String(result.nextBeforeVersion);
    const items = result.versions.map((version) => ({ version: version.version, etag: etagOf(version.version), patient: toPatientJson(version) }));
    return { status: 200, headers, jsonBody: items };
  });
}
