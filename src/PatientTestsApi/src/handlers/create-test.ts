import type { HttpHandler } from '@azure/functions';
import { ValidationError } from '@patient-tests/shared/errors';
import { decode, decodeTogether, locationOf, readJsonBody, routeId, withProblemHandling } from '@patient-tests/shared/http';
import type { MedicalTestService } from '../domain/medical-test-service';
import { createTestSchema } from '../domain/medical-test-schema';
import { thirdPartyBodies } from './http-helpers';
import { idempotencyKeyOf, replayedHeader } from './idempotency-key';
import { toMedicalTestJson } from './medical-test-json';
import type { CallerIdentity } from './caller-identity';

/** A repeated Idempotency-Key gets the first answer again, as for patients. */
export function createTestHandler(tests: MedicalTestService, callers: CallerIdentity, maxBodyBytes: number): HttpHandler {
  return withProblemHandling(async (request, context) => {
    const [patientId, body, idempotencyKey] = await decodeTogether(
      () => routeId(request, 'patientId'),
      async () => decode(createTestSchema, await readJsonBody(request, maxBodyBytes, thirdPartyBodies)),
      () => idempotencyKeyOf(request),
    );
    if (body.patientId !== undefined && body.patientId.toLowerCase() !== patientId) {
      throw new ValidationError([{ field: 'patientId', message: 'must match the patient id in the URL' }]);
    }
    const { resource: test, replayed } = await tests.create(patientId, body.fields, callers.identify(request, context), idempotencyKey);
    const headers: Record<string, string> = { location: locationOf(request, test.id) };
    if (replayed) headers[replayedHeader] = 'true';
    return { status: 201, headers, jsonBody: toMedicalTestJson(test) };
  });
}
