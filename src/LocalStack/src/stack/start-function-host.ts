import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stopProcess } from '../process/stop-process';

export interface FunctionHostProcess {
  readonly port: number;
  readonly url: string;
  readonly routes: readonly string[];
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export interface StartFunctionHostOptions {
  readonly appDirectory: string;
  readonly port: number;
  /** The app's own settings (what local.settings.json "Values" or Azure app settings hold). */
  readonly settings: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
  readonly timeoutMs?: number;
}

const hostEntry = join(__dirname, '..', 'cli', 'functions-host.js');

/** Starts one app in its own process, as Azure runs each function app in its own worker. */
export function startFunctionHost(options: StartFunctionHostOptions): Promise<FunctionHostProcess> {
  const child = spawn(process.execPath, [hostEntry], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: process.env.NODE_ENV ?? 'development',
      // What Azure sets on every function app. Locally they also keep Azure Monitor (when a connection
      // string is given) from probing the Azure metadata address and from sending usage statistics.
      FUNCTIONS_EXTENSION_VERSION: '~4',
      WEBSITE_SITE_NAME: 'local',
      APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
      ...options.settings,
      FUNCTIONS_APP_DIR: options.appDirectory,
      FUNCTIONS_HOST_PORT: String(options.port),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  createInterface({ input: child.stderr }).on('line', options.log);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.appDirectory} did not start within ${options.timeoutMs ?? 20_000} ms`));
    }, options.timeoutMs ?? 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.appDirectory} exited with code ${code ?? 'null'} during start-up`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = parseListening(line);
      if (!event) {
        options.log(line);
        return;
      }
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        port: event.port,
        url: `http://127.0.0.1:${event.port}`,
        routes: event.routes,
        process: child,
        stop: () => stopProcess(child),
      });
    });
  });
}

function parseListening(line: string): { port: number; routes: string[] } | undefined {
  try {
    const value = JSON.parse(line) as { event?: unknown; port?: unknown; routes?: unknown };
    if (value.event === 'listening' && typeof value.port === 'number' && Array.isArray(value.routes)) {
      return { port: value.port, routes: value.routes.map(String) };
    }
  } catch {
    // not our line
  }
  return undefined;
}
