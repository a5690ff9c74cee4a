import { accessGuard, type HttpAccessGuard } from '@patient-tests/shared/auth';
import type { HttpFunctionDefinition } from '@patient-tests/shared/functions';
import { MongoConnection, RetryingCollection } from '@patient-tests/shared/mongo';
import type { AuditConfig } from './config';
import { ensureAuditIndexes } from './data/audit-indexes';
import type { AuditRecordDocument } from './data/audit-record-document';
import { MongoAuditRecordStore } from './data/mongo-audit-record-store';
import { AuditRegister } from './domain/audit-register';
import { auditRoutes } from './functions/routes';
import { createAuditRecordHandler } from './handlers/create-audit-record';
import { getAuditRecordHandler } from './handlers/get-audit-record';
import { listAuditRecordsHandler } from './handlers/list-audit-records';

export interface ComposedApp {
  readonly functions: HttpFunctionDefinition[];
  /** Checks every caller before a function runs (registered with the functions, index.ts). */
  readonly guard: HttpAccessGuard;
  readonly connection: MongoConnection;
}

/** Composition root: builds the connection, its collection and the register once and hands them to the handlers. */
export function composeAuditApp(config: AuditConfig): ComposedApp {
  const { mongo } = config;
  // Terraform owns the collection and its indexes in Azure; only the local stack asks the app to create them.
  const connection = new MongoConnection({ ...mongo, appName: 'audit-api' }, mongo.createIndexes ? (db) => ensureAuditIndexes(db, mongo.collections) : undefined);
  const records = new RetryingCollection<AuditRecordDocument>(connection, mongo.collections.auditRecords, config.throttling);
  const register = new AuditRegister(new MongoAuditRecordStore(records));
  return {
    connection,
    guard: accessGuard(config.auth, config.roleHolders),
    functions: auditRoutes({
      createAuditRecord: createAuditRecordHandler(register, config.maxBodyBytes),
      getAuditRecord: getAuditRecordHandler(register),
      listAuditRecords: listAuditRecordsHandler(register),
    }),
  };
}
