import type { HttpHandler } from '@azure/functions';
import { decodeTogether, withProblemHandling } from '@patient-tests/shared/http';
import type { MedicalTestService } from '../domain/medical-test-service';
import { requireGuidParameter } from './http-helpers';
import { toMedicalTestJson } from './medical-test-json';
import type { RequestScopes } from './request-scopes';

export function loadTestHandler(tests: MedicalTestService, scopes: RequestScopes): HttpHandler {
  return withProblemHandling(async (request, context) => {
    const [patientId, testId] = await decodeTogether(
      () => requireGuidParameter(request, 'patientId'),
      () => requireGuidParameter(request, 'testId'),
    );
    return { status: 200, jsonBody: toMedicalTestJson(await tests.load(patientId, testId, scopes.of(request, context))) };
  });
}
