import type { HttpHandler } from '@azure/functions';
import { decode, queryParameters, withProblemHandling } from '@patient-tests/shared/http';
import type { AuditRegister } from '../domain/audit-register';
import { auditRecordQuerySchema } from '../domain/audit-record-schema';
import { toAuditRecordJson } from './audit-record-json';

export function listAuditRecordsHandler(register: AuditRegister): HttpHandler {
  return withProblemHandling(async (request) => {
    const { actor, ...query } = decode(auditRecordQuerySchema, queryParameters(request));
    const page = await register.list({ ...query, actorId: actor });
    return {
      status: 200,
      jsonBody: { items: page.items.map(toAuditRecordJson), continuationToken: page.continuationToken },
    };
  });
}
