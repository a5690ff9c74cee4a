export interface Observation {
  readonly id: string;
  readonly code: string;
  readonly measurement: string;
  readonly interpretation: string;
  readonly status: string;
  /** ISO 8601 date-time, as the client sent it. */
  readonly issued: string;
}

/** What a client may set on a medical test (a lab order with its observations). */
export interface MedicalTestFields {
  readonly performer: string;
  readonly orderReference: string;
  readonly observations: readonly Observation[];
}

export interface MedicalTest extends MedicalTestFields {
  readonly id: string;
  readonly patientId: string;
  readonly lastUpdated: Date;
}

/** The port the domain owns for tests; every query is scoped to one patient (the shard key). */
export interface MedicalTestStore {
  /** False, storing nothing, when a test has this id already. */
  insert(test: MedicalTest): Promise<boolean>;
  findById(patientId: string, testId: string): Promise<MedicalTest | undefined>;
  /** All tests of a patient, oldest first. */
  listByPatient(patientId: string): Promise<MedicalTest[]>;
}
