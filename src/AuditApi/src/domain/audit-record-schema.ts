import { dateTime, pageLimit, text, withServerAssigned } from '@patient-tests/shared/schema';
import { z } from 'zod';

export const limits = {
  sourceSystemName: 128,
  actorId: 256,
  actorKind: 64,
  actorName: 256,
  actorProduct: 256,
  clientAddress: 64,
  resourceType: 64,
  resourceId: 256,
  operation: 64,
  pageSizeDefault: 25,
  pageSizeMax: 100,
} as const;

/** What a caller sends; the record's id, date and correlation id are the register's (sending one is a 400). */
export const auditRecordInputSchema = withServerAssigned(['id', 'createdDate', 'correlationId'], {
  sourceSystemName: text(limits.sourceSystemName),
  // Optional for one release, so that neither app depends on the other being deployed (or rolled back)
  // first: a PatientTests API of the release before sends no actor, and its records are stored with
  // `actor: null`, as records from before actors existed read. Make it required once every caller sends it.
  actor: z
    .strictObject({
      id: text(limits.actorId),
      kind: text(limits.actorKind),
      name: text(limits.actorName).optional(),
      product: text(limits.actorProduct).optional(),
      clientAddress: text(limits.clientAddress).optional(),
    })
    .optional(),
  resource: z.strictObject({
    type: text(limits.resourceType),
    id: text(limits.resourceId).optional(),
    operation: text(limits.operation),
  }),
})
  .transform(({ sourceSystemName, actor, resource }) => ({ sourceSystemName, actor: actor ?? null, resource }));

const instant = dateTime().transform((value) => new Date(value));

/**
 * List by resource, by actor, or by time alone, each optionally within `[from, to)`. Resource and actor
 * together are refused: no index serves that combination (list by one, read the other in each record).
 */
export const auditRecordQuerySchema = z
  .strictObject({
    resourceType: text(limits.resourceType).optional(),
    resourceId: text(limits.resourceId).optional(),
    actor: text(limits.actorId).optional(),
    from: instant.optional(),
    to: instant.optional(),
    limit: pageLimit(limits.pageSizeDefault, limits.pageSizeMax),
    continuationToken: z.string().max(512).optional(),
  })
  .superRefine((query, context) => {
    if (query.resourceId !== undefined && query.resourceType === undefined) {
      context.addIssue({ code: 'custom', path: ['resourceType'], message: 'is required with resourceId' });
    }
    if (query.actor !== undefined && query.resourceType !== undefined) {
      context.addIssue({ code: 'custom', path: ['actor'], message: 'cannot be combined with resourceType: list by one and read the other in each record' });
    }
    if (query.from !== undefined && query.to !== undefined && query.from >= query.to) {
      context.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
    }
  });
