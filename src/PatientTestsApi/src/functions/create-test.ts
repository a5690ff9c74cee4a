import type { HttpHandler } from '@azure/functions';
import type { HttpFunctionDefinition } from '@patient-tests/shared/functions';

export const createTest = (handler: HttpHandler): HttpFunctionDefinition => ({
  name: 'createTest',
  options: { methods: ['POST'], route: 'patient/{patientId}/tests', authLevel: 'function', handler },
});
