import type { HttpHandler } from '@azure/functions';
import type { HttpFunctionDefinition } from '@patient-tests/shared/functions';

export const listTests = (handler: HttpHandler): HttpFunctionDefinition => ({
  name: 'listTests',
  options: { methods: ['GET'], route: 'patient/{patientId:guid}/tests', authLevel: 'function', handler },
});
