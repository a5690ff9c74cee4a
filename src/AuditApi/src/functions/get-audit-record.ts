import type { HttpHandler } from '@azure/functions';
import type { HttpFunctionDefinition } from '@patient-tests/shared/functions';

export const getAuditRecord = (handler: HttpHandler): HttpFunctionDefinition => ({
  name: 'getAuditRecord',
  options: { methods: ['GET'], route: 'auditrecord/{id:guid}', authLevel: 'function', handler },
});
