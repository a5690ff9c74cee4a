import type { HttpHandler } from '@azure/functions';
import { decodeTogether, routeId, withProblemHandling } from '@patient-tests/shared/http';
import type { MedicalTestService } from '../domain/medical-test-service';
import { toMedicalTestJson } from './medical-test-json';
import type { RequestScopes } from './request-scopes';

export function loadTestHandler(tests: MedicalTestService, scopes: RequestScopes): HttpHandler {
  return withProblemHandling(async (request, context) => {
    const [patientId, testId] = await decodeTogether(
      () => routeId(request, 'patientId'),
      () => routeId(request, 'testId'),
    );
    return { status: 200, jsonBody: toMedicalTestJson(await tests.load(patientId, testId, scopes.of(request, context))) };
  });
}
