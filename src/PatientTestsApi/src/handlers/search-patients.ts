import type { HttpHandler } from '@azure/functions';
import { decode, decodeTogether, queryParameters, readJsonBody, withProblemHandling } from '@patient-tests/shared/http';
import type { PatientService } from '../domain/patient-service';
import { patientSearchSchema, searchPageSchema, toPatientCriteria } from '../domain/patient-search';
import { continuationHeader, thirdPartyBodies } from './http-helpers';
import { searchPageTokens } from './patient-page-tokens';
import { toPatientJson } from './patient-json';
import type { CallerIdentity } from './caller-identity';

export function searchPatientsHandler(patients: PatientService, callers: CallerIdentity, maxBodyBytes: number): HttpHandler {
  return withProblemHandling(async (request, context) => {
    const [page, body] = await decodeTogether(
      () => {
        const { limit, continuationToken } = decode(searchPageSchema, queryParameters(request));
        return { limit, afterId: continuationToken === undefined ? undefined : searchPageTokens.decode(continuationToken) };
      },
      async () => decode(patientSearchSchema, await readJsonBody(request, maxBodyBytes, thirdPartyBodies)),
    );
    const result = await patients.search(toPatientCriteria(body), page.limit, page.afterId, callers.identify(request, context));
    const headers: Record<string, string> = {};
    if (result.nextAfterId !== null) headers[continuationHeader] = searchPageTokens.encode(result.nextAfterId);
    return { status: 200, headers, jsonBody: result.patients.map(toPatientJson) };
  });
}
