import type { HttpHandler } from '@azure/functions';
import type { HttpFunctionDefinition } from '@patient-tests/shared/functions';

export const createPatient = (handler: HttpHandler): HttpFunctionDefinition => ({
  name: 'createPatient',
  options: { methods: ['POST'], route: 'patient', authLevel: 'function', handler },
});
