import type { HttpHandler } from '@azure/functions';
import type { HttpFunctionDefinition } from '@patient-tests/shared/functions';

export const listPatientVersions = (handler: HttpHandler): HttpFunctionDefinition => ({
  name: 'listPatientVersions',
  options: { methods: ['GET'], route: 'patient/{patientId:guid}/versions', authLevel: 'function', handler },
});
