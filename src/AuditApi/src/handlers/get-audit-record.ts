import type { HttpHandler } from '@azure/functions';
import { decode, withProblemHandling } from '@patient-tests/shared/http';
import type { AuditRegister } from '../domain/audit-register';
import { auditRecordIdSchema } from '../domain/audit-record-schema';
import { toAuditRecordJson } from './audit-record-json';

export function getAuditRecordHandler(register: AuditRegister): HttpHandler {
  return withProblemHandling(async (request) => {
    const id = decode(auditRecordIdSchema, request.params.id);
    return { status: 200, jsonBody: toAuditRecordJson(await register.get(id.toLowerCase())) };
  });
}
