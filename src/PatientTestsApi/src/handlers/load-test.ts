import type { HttpHandler } from '@azure/functions';
import { decodeTogether, routeId, withProblemHandling } from '@patient-tests/shared/http';
import type { MedicalTestService } from '../domain/medical-test-service';
import { toMedicalTestJson } from './medical-test-json';
import type { CallerIdentity } from './caller-identity';

export function loadTestHandler(tests: MedicalTestService, callers: CallerIdentity): HttpHandler {
  return withProblemHandling(async (request, context) => {
    const [patientId, testId] = await decodeTogether(
      () => routeId(request, 'patientId'),
      () => routeId(request, 'testId'),
    );
    return { status: 200, jsonBody: toMedicalTestJson(await tests.load(patientId, testId, callers.identify(request, context))) };
  });
}
