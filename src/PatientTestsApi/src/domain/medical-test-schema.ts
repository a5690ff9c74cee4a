import { dateTime, guid, text, withServerAssigned } from '@patient-tests/shared/schema';
import { z } from 'zod';

export const testLimits = { performer: 128, orderReference: 128, observations: 100, code: 64, measurement: 256 } as const;

export const observationSchema = z.strictObject({
  id: text(testLimits.code),
  code: text(testLimits.code),
  measurement: text(testLimits.measurement),
  interpretation: text(testLimits.measurement),
  status: text(testLimits.code),
  issued: dateTime(),
});

/** What a client may set on a test (MedicalTestFields). */
export const testMembers = {
  performer: text(testLimits.performer),
  orderReference: text(testLimits.orderReference),
  observations: z.array(observationSchema).max(testLimits.observations, `must have at most ${testLimits.observations} items`),
};

/**
 * A new test; `id` and `lastUpdated` are the server's. `patientId` may be sent (the original's clients do)
 * but must repeat the URL's patient id: the handler compares it, the use case gets the fields.
 */
export const createTestSchema = withServerAssigned(['id', 'lastUpdated'], { patientId: guid.optional(), ...testMembers })
  .transform(({ patientId, ...fields }) => ({ patientId, fields }));
