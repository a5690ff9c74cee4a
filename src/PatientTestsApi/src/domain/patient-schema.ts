import { pageLimit } from '@patient-tests/shared/schema';
import { z } from 'zod';
import { calendarDatePattern, dateSpan } from './calendar-date';
import { genders } from './patient';

/** Maximum lengths: the original's where it had one, and a bound on every other string. */
export const patientLimits = { name: 64, fullName: 128, postCode: 4, insuranceNumber: 32, contactNumber: 32 } as const;
export const searchPaging = { defaultLimit: 50, maxLimit: 100 } as const;
export const versionPaging = { defaultLimit: 25, maxLimit: 100 } as const;

const text = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const assignedByServer = (name: string) => z.never({ error: `${name} is assigned by the server` }).optional();
export const guid = z.guid('must be a GUID');

export const partialDate = z
  .string()
  .regex(calendarDatePattern, 'must be a calendar date as YYYY, YYYY-MM or YYYY-MM-DD')
  .refine((value) => dateSpan(value) !== undefined, 'is not a calendar date');

const patientMembers = {
  firstName: text(patientLimits.name),
  lastName: text(patientLimits.name).optional(),
  fullName: text(patientLimits.fullName).optional(),
  gender: z.enum(genders, { error: `must be one of ${genders.join(', ')}` }),
  dateOfBirth: partialDate,
  postCode: z.string().length(patientLimits.postCode, `must be exactly ${patientLimits.postCode} characters`),
  insuranceNumber: text(patientLimits.insuranceNumber).optional(),
  preferredContactNumber: text(patientLimits.contactNumber).optional(),
};

export const createPatientSchema = z.strictObject({
  id: assignedByServer('id'),
  lastUpdated: assignedByServer('lastUpdated'),
  ...patientMembers,
});

/** A full replacement; `id` must repeat the URL's id; a `lastUpdated` sent back from a read is ignored. */
export const updatePatientSchema = z.strictObject({
  id: guid,
  lastUpdated: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  ...patientMembers,
});

export const patientSearchSchema = z
  .strictObject({
    id: guid.optional(),
    firstName: text(patientLimits.name).optional(),
    lastName: text(patientLimits.name).optional(),
    fullName: text(patientLimits.fullName).optional(),
    gender: patientMembers.gender.optional(),
    dateOfBirthFrom: partialDate.optional(),
    dateOfBirthTo: partialDate.optional(),
    postCode: patientMembers.postCode.optional(),
    insuranceNumber: text(patientLimits.insuranceNumber).optional(),
    preferredContactNumber: text(patientLimits.contactNumber).optional(),
  })
  .refine(
    ({ dateOfBirthFrom, dateOfBirthTo }) =>
      dateOfBirthFrom === undefined || dateOfBirthTo === undefined ||
      (dateSpan(dateOfBirthFrom)?.start ?? 0) <= (dateSpan(dateOfBirthTo)?.end ?? 0),
    { message: 'must not be after dateOfBirthTo', path: ['dateOfBirthFrom'] },
  );

export const searchPageSchema = z.strictObject({
  limit: pageLimit(searchPaging.defaultLimit, searchPaging.maxLimit),
  continuationToken: z.string().max(256).optional(),
});
export type PatientSearchBody = z.output<typeof patientSearchSchema>;

/**
 * The token of a versions page is the version to continue before, in plain digits: any such value is a
 * meaningful request (there is nothing to forge), so the contract can publish its exact shape.
 */
export const versionTokenPattern = /^[1-9]\d{0,14}$/;
export const versionPageSchema = z.strictObject({
  limit: pageLimit(versionPaging.defaultLimit, versionPaging.maxLimit),
  continuationToken: z.string().regex(versionTokenPattern, 'is not a token this API issued').transform(Number).optional(),
});
