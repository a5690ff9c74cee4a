import { dateTime, guid, pageLimit, text, withServerAssigned } from '@patient-tests/shared/schema';
import { z } from 'zod';
import { calendarDate } from './calendar-date';
import { genders } from './patient';

/** Maximum lengths: the original's where it had one, and a bound on every other string. */
export const patientLimits = { name: 64, fullName: 128, postCode: 4, insuranceNumber: 32, contactNumber: 32 } as const;
export const versionPaging = { defaultLimit: 25, maxLimit: 100 } as const;

/** What a client may set on a patient (PatientFields), in the order the contract lists them. */
export const patientMembers = {
  firstName: text(patientLimits.name),
  lastName: text(patientLimits.name).optional(),
  fullName: text(patientLimits.fullName).optional(),
  gender: z.enum(genders, { error: `must be one of ${genders.join(', ')}` }),
  dateOfBirth: calendarDate,
  postCode: z.string().length(patientLimits.postCode, `must be exactly ${patientLimits.postCode} characters`),
  insuranceNumber: text(patientLimits.insuranceNumber).optional(),
  preferredContactNumber: text(patientLimits.contactNumber).optional(),
};

/** A new patient: its fields; `id` and `lastUpdated` are the server's. */
export const createPatientSchema = withServerAssigned(['id', 'lastUpdated'], patientMembers);

/** A full replacement; `id` must repeat the URL's id; a `lastUpdated` sent back from a read is ignored. */
export const updatePatientSchema = z
  .strictObject({
    id: guid,
    lastUpdated: dateTime().optional(),
    ...patientMembers,
  })
  .transform(({ id, lastUpdated: _ignored, ...fields }) => ({ id, fields }));

/**
 * The token of a versions page is the version to continue before, in plain digits: any such value is a
 * meaningful request (there is nothing to forge), so the contract can publish its exact shape.
 */
export const versionTokenPattern = /^[1-9]\d{0,14}$/;
export const versionPageSchema = z.strictObject({
  limit: pageLimit(versionPaging.defaultLimit, versionPaging.maxLimit),
  continuationToken: z.string().regex(versionTokenPattern, 'is not a token this API issued').transform(Number).optional(),
});
