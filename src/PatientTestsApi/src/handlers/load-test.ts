import type { HttpHandler } from '@azure/functions';
import { withProblemHandling } from '@patient-tests/shared';
import type { MedicalTestService } from '../domain/medical-test-service';
import { requireGuidParameter, scopeOf } from './http-helpers';
import { toMedicalTestJson } from './medical-test-json';

export function loadTestHandler(tests: MedicalTestService): HttpHandler {
  return withProblemHandling(async (request, context) => {
    const patientId = requireGuidParameter(request, 'patientId');
    const testId = requireGuidParameter(request, 'testId');
    return { status: 200, jsonBody: toMedicalTestJson(await tests.load(patientId, testId, scopeOf(context))) };
  });
}
