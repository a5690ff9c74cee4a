import type { HttpHandler } from '@azure/functions';
import { decode, locationOf, parseTraceParent, readJsonBody, withProblemHandling } from '@patient-tests/shared/http';
import type { AuditRegister } from '../domain/audit-register';
import { auditRecordInputSchema } from '../domain/audit-record-schema';
import { toAuditRecordJson } from './audit-record-json';

export function createAuditRecordHandler(register: AuditRegister, maxBodyBytes: number): HttpHandler {
  return withProblemHandling(async (request, context) => {
    const input = decode(auditRecordInputSchema, await readJsonBody(request, maxBodyBytes));
    const correlationId = parseTraceParent(context.traceContext?.traceParent)?.traceId ?? null;
    const record = await register.record(input, correlationId);
    return { status: 201, headers: { location: locationOf(request, record.id) }, jsonBody: toAuditRecordJson(record) };
  });
}
