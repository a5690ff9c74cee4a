import type { HttpHandler } from '@azure/functions';
import type { HttpFunctionDefinition } from '@patient-tests/shared/functions';

export const searchPatients = (handler: HttpHandler): HttpFunctionDefinition => ({
  name: 'searchPatients',
  options: { methods: ['POST'], route: 'patient/search', authLevel: 'function', handler },
});
