import type { HttpHandler } from '@azure/functions';
import type { HttpFunctionDefinition } from '@patient-tests/shared/functions';

export const updatePatient = (handler: HttpHandler): HttpFunctionDefinition => ({
  name: 'updatePatient',
  options: { methods: ['PUT'], route: 'patient/{patientId}', authLevel: 'function', handler },
});
