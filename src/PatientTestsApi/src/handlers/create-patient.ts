import type { HttpHandler } from '@azure/functions';
import { decode, decodeTogether, locationOf, readJsonBody, withProblemHandling } from '@patient-tests/shared/http';
import type { PatientService } from '../domain/patient-service';
import { createPatientSchema } from '../domain/patient-schema';
import { etagOf, thirdPartyBodies } from './http-helpers';
import { idempotencyKeyOf, replayedHeader } from './idempotency-key';
import { toPatientJson } from './patient-json';
import type { CallerIdentity } from './caller-identity';

/** A repeated Idempotency-Key gets the first answer again: 201, the same Location, ETag and patient. */
export function createPatientHandler(patients: PatientService, callers: CallerIdentity, maxBodyBytes: number): HttpHandler {
  return withProblemHandling(async (request, context) => {
    const [fields, idempotencyKey] = await decodeTogether(
      async () => decode(createPatientSchema, await readJsonBody(request, maxBodyBytes, thirdPartyBodies)),
      () => idempotencyKeyOf(request),
    );
    const { resource: patient, replayed } = await patients.create(fields, callers.identify(request, context), idempotencyKey);
    const headers: Record<string, string> = { location: locationOf(request, patient.id), etag: etagOf(patient.version) };
    if (replayed) headers[replayedHeader] = 'true';
    return { status: 201, headers, jsonBody: toPatientJson(patient) };
  });
}
