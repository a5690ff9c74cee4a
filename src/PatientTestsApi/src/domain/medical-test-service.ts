import { randomUUID } from 'node:crypto';
import { NotFoundError } from '@patient-tests/shared';
import type { AuditTrail, RequestScope } from './audit-trail';
import type { MedicalTest, MedicalTestFields, MedicalTestStore } from './medical-test';
import type { PatientStore } from './patient';

/** Test use cases: audited first, like every patient use case, and never for a patient that does not exist. */
export class MedicalTestService {
  constructor(
    private readonly tests: MedicalTestStore,
    private readonly patients: PatientStore,
    private readonly audit: AuditTrail,
    private readonly now: () => Date = () => new Date(),
    private readonly newId: () => string = randomUUID,
  ) {}

  async create(patientId: string, fields: MedicalTestFields, scope: RequestScope): Promise<MedicalTest> {
    const id = this.newId();
    await this.audit.record({ type: 'test', id, operation: 'create' }, scope);
    await this.requirePatient(patientId);
    const test: MedicalTest = { ...fields, id, patientId, lastUpdated: this.now() };
    await this.tests.insert(test);
    return test;
  }

  async list(patientId: string, scope: RequestScope): Promise<MedicalTest[]> {
    await this.audit.record({ type: 'test', id: patientId, operation: 'list' }, scope);
    await this.requirePatient(patientId);
    return this.tests.listByPatient(patientId);
  }

  async load(patientId: string, testId: string, scope: RequestScope): Promise<MedicalTest> {
    await this.audit.record({ type: 'test', id: testId, operation: 'read' }, scope);
    const test = await this.tests.findById(patientId, testId);
    if (!test) throw new NotFoundError(`Patient ${patientId} has no test with the id ${testId}.`);
    return test;
  }

  private async requirePatient(patientId: string): Promise<void> {
    if (!(await this.patients.exists(patientId))) throw new NotFoundError(`No patient has the id ${patientId}.`);
  }
}
