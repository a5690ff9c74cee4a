import type { HttpHandler } from '@azure/functions';
import { ValidationError } from '@patient-tests/shared/errors';
import { decode, decodeTogether, queryParameters, readJsonBody, withProblemHandling } from '@patient-tests/shared/http';
import type { PatientService } from '../domain/patient-service';
import { patientSearchSchema, searchPageSchema } from '../domain/patient-schema';
import { toPatientCriteria } from '../domain/search-criteria';
import { continuationHeader, isGuid, thirdPartyBodies } from './http-helpers';
import { toPatientJson } from './patient-json';
import type { RequestScopes } from './request-scopes';

export function searchPatientsHandler(patients: PatientService, scopes: RequestScopes, maxBodyBytes: number): HttpHandler {
  return withProblemHandling(async (request, context) => {
    const [page, body] = await decodeTogether(
      () => {
        const { limit, continuationToken } = decode(searchPageSchema, queryParameters(request));
        return { limit, afterId: continuationToken === undefined ? undefined : decodeToken(continuationToken) };
      },
      async () => decode(patientSearchSchema, await readJsonBody(request, maxBodyBytes, thirdPartyBodies)),
    );
    const result = await patients.search(toPatientCriteria(body), page.limit, page.afterId, scopes.of(request, context));
    const headers: Record<string, string> = {};
    if (result.nextAfterId !== null) headers[continuationHeader] = Buffer.from(result.nextAfterId).toString('base64url');
    return { status: 200, headers, jsonBody: result.patients.map(toPatientJson) };
  });
}

function decodeToken(token: string): string {
  const afterId = Buffer.from(token, 'base64url').toString('utf8');
  if (!isGuid(afterId)) throw new ValidationError([{ field: 'continuationToken', message: 'is not a token this API issued' }]);
  return afterId;
}
