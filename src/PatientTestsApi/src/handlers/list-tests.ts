import type { HttpHandler } from '@azure/functions';
import { routeId, withProblemHandling } from '@patient-tests/shared/http';
import type { MedicalTestService } from '../domain/medical-test-service';
import { toMedicalTestJson } from './medical-test-json';
import type { CallerIdentity } from './caller-identity';

/** Always an array, also for one test. */
export function listTestsHandler(tests: MedicalTestService, callers: CallerIdentity): HttpHandler {
  return withProblemHandling(async (request, context) => {
    const patientId = routeId(request, 'patientId');
    const found = await tests.list(patientId, callers.identify(request, context));
    return { status: 200, jsonBody: found.map(toMedicalTestJson) };
  });
}
