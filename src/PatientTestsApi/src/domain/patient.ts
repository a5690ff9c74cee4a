export const genders = ['male', 'female', 'other', 'unknown'] as const;
export type Gender = (typeof genders)[number];

/** What a client may set on a patient. */
export interface PatientFields {
  readonly firstName: string;
  readonly lastName?: string | undefined;
  readonly fullName?: string | undefined;
  readonly gender: Gender;
  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as the client sent it. */
  readonly dateOfBirth: string;
  readonly postCode: string;
  readonly insuranceNumber?: string | undefined;
  readonly preferredContactNumber?: string | undefined;
}

export interface Patient extends PatientFields {
  readonly id: string;
  readonly lastUpdated: Date;
  /** Increases with every stored change; the ETag clients use for optimistic concurrency. */
  readonly version: number;
}

/** Exact-match criteria plus an inclusive date-of-birth range; absent members do not filter. */
export interface PatientCriteria {
  readonly id?: string | undefined;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
  readonly fullName?: string | undefined;
  readonly gender?: Gender | undefined;
  readonly postCode?: string | undefined;
  readonly insuranceNumber?: string | undefined;
  readonly preferredContactNumber?: string | undefined;
  readonly bornFrom?: Date | undefined;
  readonly bornTo?: Date | undefined;
}

export interface PageRequest {
  readonly limit: number;
  /** Return only patients whose id sorts after this one. */
  readonly afterId?: string | undefined;
}

export type ReplaceOutcome = 'replaced' | 'missing' | 'version-mismatch';

/** The port the domain owns for patients; there is deliberately no delete. */
export interface PatientStore {
  insert(patient: Patient): Promise<void>;
  findById(id: string): Promise<Patient | undefined>;
  exists(id: string): Promise<boolean>;
  /** Replaces the stored patient only while its version is still `expectedVersion`. */
  replace(patient: Patient, expectedVersion: number): Promise<ReplaceOutcome>;
  /** Patients matching the criteria, ordered by id. */
  search(criteria: PatientCriteria, page: PageRequest): Promise<Patient[]>;
}
