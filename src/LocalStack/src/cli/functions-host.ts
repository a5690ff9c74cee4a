// Serves one function app on loopback, as `func start` would: FUNCTIONS_APP_DIR names the app.
import { decodeEnvironment, setting } from '@patient-tests/shared/config';
import { keyRingOf } from '../http/key-ring';
import { createFunctionsHost } from '../host/functions-host';
import { loadFunctionApp } from '../host/load-function-app';
import { terminateApp } from '../host/functions-core-shim';

const settings = decodeEnvironment(
  {
    FUNCTIONS_APP_DIR: setting.string(1024),
    FUNCTIONS_HOST_PORT: setting.integer(0, 65_535, 0),
    // Azure's default limit is 100 MB (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT).
    FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: setting.integer(1, 104_857_600, 104_857_600),
    AzureFunctionsJobHost__extensions__http__routePrefix: setting.optionalString(64),
  },
  process.env,
);

const log = (line: string) => process.stderr.write(`${line}\n`);
const app = loadFunctionApp(settings.FUNCTIONS_APP_DIR, settings.AzureFunctionsJobHost__extensions__http__routePrefix);
const server = createFunctionsHost({
  functions: app.functions,
  routePrefix: app.routePrefix,
  // No function key opens anything: every function is registered anonymous and checks tokens itself. A function
  // registered at auth level `function` is refused (401), as in Azure, where nothing of ours holds a host key.
  keys: keyRingOf([]),
  maxRequestBodyBytes: settings.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT,
  log,
});

server.keepAliveTimeout = 65_000;
server.listen(settings.FUNCTIONS_HOST_PORT, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const routes = app.functions.map((fn) => `${(fn.trigger.methods ?? []).join(',')} /${app.routePrefix}/${fn.trigger.route ?? fn.name}`);
  // The supervisor waits for this line; keep it one JSON object on stdout.
  process.stdout.write(`${JSON.stringify({ event: 'listening', port, routes })}\n`);
});

let stopping = false;
function shutDown(): void {
  if (stopping) return;
  stopping = true;
  // Finish in-flight requests, refusing new ones with 503 meanwhile (see drain), let the app flush (its
  // appTerminate hooks), then leave. A hung request ends it after 10 s.
  log(JSON.stringify({ event: 'stopping', message: 'refusing new requests; finishing the requests in flight' }));
  server.once('close', () => { void terminateApp().finally(() => process.exit(0)); });
  void server.drain();
  setTimeout(() => process.exit(1), 10_000).unref();
}
process.once('SIGTERM', shutDown);
process.once('SIGINT', shutDown);
// The parent holds our stdin open; when it goes away, even by SIGKILL, so do we: no orphaned hosts.
process.stdin.once('end', shutDown).resume();
