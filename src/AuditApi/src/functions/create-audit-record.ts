import type { HttpHandler } from '@azure/functions';
import type { HttpFunctionDefinition } from '@patient-tests/shared/functions';

export const createAuditRecord = (handler: HttpHandler): HttpFunctionDefinition => ({
  name: 'createAuditRecord',
  options: { methods: ['POST'], route: 'auditrecord', authLevel: 'function', handler },
});
