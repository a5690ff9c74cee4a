import type { HttpHandler } from '@azure/functions';
import type { HttpFunctionDefinition } from '@patient-tests/shared/functions';

export const listAuditRecords = (handler: HttpHandler): HttpFunctionDefinition => ({
  name: 'listAuditRecords',
  options: { methods: ['GET'], route: 'auditrecords', authLevel: 'function', handler },
});
