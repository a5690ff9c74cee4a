import type { HttpHandler } from '@azure/functions';
import type { HttpFunctionDefinition } from '@patient-tests/shared/functions';

export const loadPatient = (handler: HttpHandler): HttpFunctionDefinition => ({
  name: 'loadPatient',
  options: { methods: ['GET'], route: 'patient/{patientId}', authLevel: 'function', handler },
});
