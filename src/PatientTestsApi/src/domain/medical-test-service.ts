import { randomUUID } from 'node:crypto';
import { NotFoundError } from '@patient-tests/shared/errors';
import { Backoff, readBackPolicy } from '@patient-tests/shared/retry';
import { actorIdOf, auditFirst, type AuditTrail, type RequestScope } from './audit-trail';
import type { Creation, IdempotentCreations } from './idempotent-creations';
import type { MedicalTest, MedicalTestFields, MedicalTestStore } from './medical-test';
import type { PatientStore } from './patient';
import { notVisibleYet, type ServiceOptions } from './service-options';

/** Test use cases: under auditFirst, like every patient use case, and never for a patient that does not exist. */
export class MedicalTestService {
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly readBack: Backoff;

  constructor(
    private readonly tests: MedicalTestStore,
    private readonly patients: PatientStore,
    private readonly audit: AuditTrail,
    private readonly creations: IdempotentCreations,
    options: ServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    this.readBack = options.readBack ?? new Backoff(readBackPolicy);
  }

  /**
   * Creates the test; with an `Idempotency-Key`, as PatientService.create does (the patient is part of the
   * request). The patient must exist before the key is claimed: a request answered 404 writes nothing, and
   * leaves the key free for the corrected request.
   */
  async create(patientId: string, fields: MedicalTestFields, scope: RequestScope, idempotencyKey?: string): Promise<Creation<MedicalTest>> {
    const request = idempotencyKey === undefined ? undefined : { actorId: actorIdOf(scope.actor), operation: 'createTest', key: idempotencyKey, content: { patientId, ...fields } };
    const id = request ? this.creations.resourceIdFor(request) : this.newId();
    return auditFirst(this.audit, { type: 'test', id, operation: 'create' }, scope, async () => {
      await this.requirePatient(patientId);
      if (request) await this.creations.claim(request, id);
      const test: MedicalTest = { ...fields, id, patientId, lastUpdated: this.now() };
      if (await this.tests.insert(test)) return { resource: test, replayed: false };
      return auditFirst(this.audit, { type: 'test', id, operation: 'replay' }, scope, () => this.original(patientId, id));
    });
  }

  /** What a repeated create answers with: the test as the first request stored it. */
  private async original(patientId: string, id: string): Promise<Creation<MedicalTest>> {
    const original = await this.readBack.readUntilFound(() => this.tests.findById(patientId, id));
    if (!original) throw notVisibleYet();
    return { resource: original, replayed: true };
  }

  async list(patientId: string, scope: RequestScope): Promise<MedicalTest[]> {
    return auditFirst(this.audit, { type: 'test', id: patientId, operation: 'list' }, scope, async () => {
      await this.requirePatient(patientId);
      return this.tests.listByPatient(patientId);
    });
  }

  async load(patientId: string, testId: string, scope: RequestScope): Promise<MedicalTest> {
    return auditFirst(this.audit, { type: 'test', id: testId, operation: 'read' }, scope, async () => {
      const test = await this.tests.findById(patientId, testId);
      if (!test) throw new NotFoundError(`Patient ${patientId} has no test with the id ${testId}.`);
      return test;
    });
  }

  private async requirePatient(patientId: string): Promise<void> {
    if (!(await this.patients.exists(patientId))) throw new NotFoundError(`No patient has the id ${patientId}.`);
  }
}
