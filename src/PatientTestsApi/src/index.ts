// Entry file Azure loads (package.json "main"). The local host loads this same file unchanged.
import './telemetry';
import { app } from '@azure/functions';
import { registerHttpFunctions } from '@patient-tests/shared/functions';
import { composePatientTestsApp } from './app';
import { loadPatientTestsConfig } from './config';

const composed = composePatientTestsApp(loadPatientTestsConfig(process.env));
registerHttpFunctions(app, composed.functions, composed.guard);
