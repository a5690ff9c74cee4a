import type { HttpHandler } from '@azure/functions';
import type { HttpFunctionDefinition } from '@patient-tests/shared/functions';

export const loadTest = (handler: HttpHandler): HttpFunctionDefinition => ({
  name: 'loadTest',
  options: { methods: ['GET'], route: 'patient/{patientId:guid}/tests/{testId:guid}', authLevel: 'function', handler },
});
