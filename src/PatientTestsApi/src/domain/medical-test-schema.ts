import { z } from 'zod';
import { guid } from './patient-schema';

export const testLimits = { performer: 128, orderReference: 128, observations: 100, code: 64, measurement: 256 } as const;

const text = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const assignedByServer = (name: string) => z.never({ error: `${name} is assigned by the server` }).optional();

export const observationSchema = z.strictObject({
  id: text(testLimits.code),
  code: text(testLimits.code),
  measurement: text(testLimits.measurement),
  interpretation: text(testLimits.measurement),
  status: text(testLimits.code),
  issued: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
});

/** `patientId` may be sent (the original's clients do) but must repeat the URL's patient id. */
export const createTestSchema = z.strictObject({
  id: assignedByServer('id'),
  lastUpdated: assignedByServer('lastUpdated'),
  patientId: guid.optional(),
  performer: text(testLimits.performer),
  orderReference: text(testLimits.orderReference),
  observations: z.array(observationSchema).max(testLimits.observations, `must have at most ${testLimits.observations} items`),
});
