import { pageLimit } from '@patient-tests/shared';
import { z } from 'zod';

export const limits = {
  sourceSystemName: 128,
  resourceType: 64,
  resourceId: 256,
  operation: 64,
  pageSizeDefault: 25,
  pageSizeMax: 100,
} as const;

const text = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const assignedByServer = (name: string) => z.never({ error: `${name} is assigned by the server` }).optional();

export const auditRecordInputSchema = z
  .strictObject({
    id: assignedByServer('id'),
    createdDate: assignedByServer('createdDate'),
    correlationId: assignedByServer('correlationId'),
    sourceSystemName: text(limits.sourceSystemName),
    resource: z.strictObject({
      type: text(limits.resourceType),
      id: text(limits.resourceId).optional(),
      operation: text(limits.operation),
    }),
  })
  .transform(({ sourceSystemName, resource }) => ({ sourceSystemName, resource }));

export const auditRecordQuerySchema = z.strictObject({
  resourceType: text(limits.resourceType),
  resourceId: text(limits.resourceId).optional(),
  limit: pageLimit(limits.pageSizeDefault, limits.pageSizeMax),
  continuationToken: z.string().max(512).optional(),
});

export const auditRecordIdSchema = z.uuid('must be a UUID');
