import { problemTypes } from '@patient-tests/shared/http';
import { z } from 'zod';
import { createTestSchema, observationSchema } from '../domain/medical-test-schema';
import { createPatientSchema, updatePatientSchema, versionPaging, versionTokenPattern } from '../domain/patient-schema';
import { patientSearchSchema, searchPaging } from '../domain/patient-search';
import { idempotencyKeyHeader, idempotencyKeyPattern, replayedHeader } from '../handlers/idempotency-key';
import { continuationHeader } from '../handlers/http-helpers';
import { medicalTestSchema, patientSchema, patientVersionSchema, problemSchema } from './response-schemas';

/**
 * The public API as clients (and API Management's import) see it, under the gateway path `/patient`.
 * Component schemas come from the zod schemas the handlers validate with: one source, no second copy.
 */
export function buildOpenApiDocument(): Record<string, unknown> {
  const registry = z.registry<{ id: string; description?: string }>();
  registry.add(createPatientSchema, { id: 'PatientCreate', description: 'A new patient; `id` and `lastUpdated` are assigned by the server.' });
  registry.add(updatePatientSchema, { id: 'PatientUpdate', description: 'The full patient; `id` must repeat the id in the path; a `lastUpdated` is ignored.' });
  registry.add(patientSearchSchema, { id: 'PatientSearch', description: 'Exact-match criteria and an inclusive date-of-birth range; every member is optional.' });
  registry.add(patientSchema, { id: 'Patient' });
  registry.add(patientVersionSchema, { id: 'PatientVersion', description: 'A stored version of a patient: its number, its ETag and the patient as it was.' });
  registry.add(observationSchema, { id: 'Observation' });
  registry.add(createTestSchema, { id: 'TestCreate', description: 'A new test; `patientId` may be sent but must repeat the id in the path.' });
  registry.add(medicalTestSchema, { id: 'Test' });
  registry.add(problemSchema, { id: 'Problem', description: 'RFC 9457 problem document; see docs/problems.md.' });
  // Request bodies as clients send them (`io: 'input'`): what the schemas take, before they drop the
  // server-assigned members or reshape the update.
  const { schemas } = z.toJSONSchema(registry, { target: 'openapi-3.0', io: 'input', uri: (id) => `#/components/schemas/${id}` });
  // OpenAPI 3.0 schema objects have no $id; references go through #/components/schemas.
  for (const schema of Object.values(schemas)) delete (schema as { $id?: unknown }).$id;

  return {
    openapi: '3.0.3',
    info: {
      title: 'PatientTests API',
      version: '2.0.0',
      description: 'Patients and their medical tests. Every operation is recorded in the audit register first; when it cannot be, the answer is 503 and nothing is read or written.',
    },
    servers: [{ url: '/patient' }],
    security: [{ subscriptionKeyHeader: [] }, { subscriptionKeyQuery: [] }],
    paths: {
      '/': { post: operation('createPatient', 'Create a patient', { body: 'PatientCreate', created: 'Patient', etag: true, idempotent: true }) },
      '/search': {
        post: operation('searchPatients', 'Search patients', {
          body: 'PatientSearch',
          ok: { type: 'array', items: ref('Patient') },
          query: [
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: searchPaging.maxLimit, default: searchPaging.defaultLimit } },
            { name: 'continuationToken', in: 'query', required: false, schema: { type: 'string', maxLength: 256 }, description: `The value of the previous page's \`${continuationHeader}\` header.` },
          ],
          nextPageHeader: true,
        }),
      },
      '/{patientId}': {
        parameters: [pathId('patientId')],
        get: operation('loadPatient', 'Load a patient', { ok: ref('Patient'), etag: true, notFound: true }),
        put: operation('updatePatient', 'Replace a patient', { body: 'PatientUpdate', ok: ref('Patient'), etag: true, notFound: true, ifMatch: true }),
      },
      '/{patientId}/versions': {
        parameters: [pathId('patientId')],
        get: operation('listPatientVersions', "List a patient's versions, newest first", {
          ok: { type: 'array', items: ref('PatientVersion') },
          notFound: true,
          query: [
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: versionPaging.maxLimit, default: versionPaging.defaultLimit } },
            { name: 'continuationToken', in: 'query', required: false, schema: { type: 'string', pattern: versionTokenPattern.source }, description: `The value of the previous page's \`${continuationHeader}\` header: the version to continue before.` },
          ],
          nextPageHeader: true,
        }),
      },
      '/{patientId}/tests': {
        parameters: [pathId('patientId')],
        post: operation('createTest', 'Create a test for a patient', { body: 'TestCreate', created: 'Test', notFound: true, idempotent: true }),
        get: operation('listTests', "List a patient's tests", { ok: { type: 'array', items: ref('Test') }, notFound: true }),
      },
      '/{patientId}/tests/{testId}': {
        parameters: [pathId('patientId'), pathId('testId')],
        get: operation('loadTest', 'Load a test', { ok: ref('Test'), notFound: true }),
      },
    },
    components: {
      schemas,
      securitySchemes: {
        subscriptionKeyHeader: { type: 'apiKey', in: 'header', name: 'Ocp-Apim-Subscription-Key' },
        subscriptionKeyQuery: { type: 'apiKey', in: 'query', name: 'subscription-key' },
      },
    },
  };
}

interface OperationShape {
  body?: string;
  ok?: Record<string, unknown>;
  created?: string;
  etag?: boolean;
  notFound?: boolean;
  ifMatch?: boolean;
  query?: Record<string, unknown>[];
  nextPageHeader?: boolean;
  /** Takes an Idempotency-Key (IETF httpapi draft). */
  idempotent?: boolean;
}

const idempotencyKeyParameter = {
  name: idempotencyKeyHeader,
  in: 'header',
  required: false,
  schema: { type: 'string', pattern: idempotencyKeyPattern.source },
  description:
    'Makes a retry safe: the same key with the same body, from the same subscription, answers again with the resource ' +
    'the first request created (201, the same id, header Idempotent-Replayed: true) and creates nothing. While the key ' +
    'lives (the service\'s IDEMPOTENCY_TTL_SECONDS, 24 hours by default) the same key with a different body is a 422; ' +
    'after that the key may be used for a new request, and the same key with the first body still answers with the first ' +
    'resource (its id follows from the key and the body). An RFC 8941 string ("…") or the bare value.',
};

function operation(operationId: string, summary: string, shape: OperationShape): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  if (shape.etag) headers.ETag = { description: 'The version of the patient, for If-Match.', schema: { type: 'string' } };
  if (shape.nextPageHeader) headers[continuationHeader] = { description: 'Present when there is another page: pass it as continuationToken.', schema: { type: 'string' } };
  const responses: Record<string, unknown> = {};
  if (shape.created) {
    const createdHeaders: Record<string, unknown> = { ...headers, Location: { schema: { type: 'string' } } };
    if (shape.idempotent) createdHeaders[replayedHeader] = { description: 'Present (true) when this answer repeats the one given to an earlier request with the same Idempotency-Key.', schema: { type: 'string', enum: ['true'] } };
    responses['201'] = { description: 'Created', headers: createdHeaders, content: json(ref(shape.created)) };
  }
  if (shape.ok) responses['200'] = { description: 'OK', headers, content: json(shape.ok) };
  const problems: [string, string][] = [['400', 'The request is not valid']];
  if (shape.body) problems.push(['413', problemTypes.payloadTooLarge.title], ['415', problemTypes.unsupportedMediaType.title]);
  problems.push(['401', 'A valid subscription key is required']);
  if (shape.notFound) problems.push(['404', problemTypes.notFound.title]);
  if (shape.ifMatch) problems.push(['412', problemTypes.preconditionFailed.title]);
  if (shape.idempotent) problems.push(['422', `${problemTypes.idempotencyKeyReused.title}: use a new Idempotency-Key for a new request`]);
  problems.push(['429', `${problemTypes.tooManyRequests.title}: the subscription's rate limit; see Retry-After`]);
  problems.push(['500', problemTypes.internal.title], ['503', 'The audit register or the database is unavailable; nothing was done. Retry after Retry-After']);
  for (const [status, description] of problems) {
    responses[status] = { description, content: { 'application/problem+json': { schema: ref('Problem') } } };
  }
  const parameters = [...(shape.query ?? [])];
  if (shape.ifMatch) parameters.push({ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'The ETag of the version this update is based on.' });
  if (shape.idempotent) parameters.push(idempotencyKeyParameter);
  return {
    operationId,
    summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(shape.body ? { requestBody: { required: true, description: bodyDescription, content: jsonOrPlainText(ref(shape.body)) } } : {}),
    responses,
  };
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (schema: Record<string, unknown>) => ({ 'application/json': { schema } });

/**
 * Request bodies: the same JSON document declared as JSON or as plain UTF-8 text (what the 2020 sample's
 * client sends; shared json-media-type.ts), so the contract says 415 only for what the API refuses. A body
 * with no Content-Type is read as JSON too, which OpenAPI cannot declare: the description says it.
 */
const jsonOrPlainText = (schema: Record<string, unknown>) => ({ ...json(schema), 'text/plain': { schema } });
const bodyDescription =
  'A JSON document, declared as application/json, or as text/plain (UTF-8, as the 2020 client sends it), or with no Content-Type: ' +
  'each is read as the same JSON under the same rules. Any other declared type is a 415.';
const pathId = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
