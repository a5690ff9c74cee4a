// Entry file Azure loads (package.json "main"). The local host loads this same file unchanged.
import './telemetry';
import { app } from '@azure/functions';
import { registerHttpFunctions } from '@patient-tests/shared/functions';
import { composeAuditApp } from './app';
import { loadAuditConfig } from './config';

const composed = composeAuditApp(loadAuditConfig(process.env));
registerHttpFunctions(app, composed.functions, composed.guard);
