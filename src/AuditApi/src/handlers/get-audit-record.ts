import type { HttpHandler } from '@azure/functions';
import { routeId, withProblemHandling } from '@patient-tests/shared/http';
import type { AuditRegister } from '../domain/audit-register';
import { toAuditRecordJson } from './audit-record-json';

export function getAuditRecordHandler(register: AuditRegister): HttpHandler {
  return withProblemHandling(async (request) => {
    return { status: 200, jsonBody: toAuditRecordJson(await register.get(routeId(request, 'id'))) };
  });
}
