import type { HttpHandler } from '@azure/functions';
import { healthCheck, type HttpFunctionDefinition } from '@patient-tests/shared/functions';
import type appRoles from './app-roles.json';

/** The Audit API's app roles (app-roles.json): what a caller's token must carry for each function. */
export type AuditRole = keyof (typeof appRoles)['roles'];

export interface AuditHandlers {
  readonly createAuditRecord: HttpHandler;
  readonly getAuditRecord: HttpHandler;
  readonly listAuditRecords: HttpHandler;
}

const role = (name: AuditRole) => ({ role: name });

/**
 * Every function of the Audit API, with its route and who may call it: the PatientTests API appends, only
 * auditors read. The access guard (registered with this table) refuses anything else.
 */
export function auditRoutes(handlers: AuditHandlers): HttpFunctionDefinition[] {
  return [
    { name: 'createAuditRecord', methods: ['POST'], route: 'auditrecord', access: role('AuditRecords.Append'), handler: handlers.createAuditRecord },
    { name: 'getAuditRecord', methods: ['GET'], route: 'auditrecord/{id:guid}', access: role('AuditRecords.Read'), handler: handlers.getAuditRecord },
    { name: 'listAuditRecords', methods: ['GET'], route: 'auditrecords', access: role('AuditRecords.Read'), handler: handlers.listAuditRecords },
    healthCheck,
  ];
}
