import Module from 'node:module';

/** The trigger binding as @azure/functions hands it to the worker, after applying its defaults. */
export interface HttpTriggerBinding {
  /** The binding's name (its key in the function's bindings). */
  readonly name: string;
  readonly type: string;
  readonly direction: string;
  readonly authLevel?: string;
  readonly methods?: string[];
  readonly route?: string;
}

export interface RegisteredFunction {
  readonly name: string;
  readonly trigger: HttpTriggerBinding;
  readonly handler: (...args: unknown[]) => unknown;
}

interface FunctionMetadata {
  readonly name: string;
  readonly bindings: Record<string, Omit<HttpTriggerBinding, 'name'>>;
}

const registered: RegisteredFunction[] = [];

/** What the worker hands a hook; @azure/functions wraps it in its own PreInvocationContext and friends. */
interface CoreHookContext {
  hookData: Record<string, unknown>;
  appHookData: Record<string, unknown>;
  invocationContext?: unknown;
  inputs?: unknown[];
  functionCallback?: (...args: unknown[]) => unknown;
  /** postInvocation: what the function returned, or null; a hook may replace it. */
  result?: unknown;
  /** postInvocation: what the function (or an earlier hook) threw, or null; a hook may set or clear it. */
  error?: unknown;
}
type CoreHookCallback = (context: CoreHookContext) => unknown;

/** The hooks the local host runs, each where the Azure worker runs it (invokeWithHooks, terminateApp). */
const hookNames = ['preInvocation', 'postInvocation', 'appTerminate'] as const;
type HookName = (typeof hookNames)[number];
const hooks = new Map<HookName, CoreHookCallback[]>(hookNames.map((name) => [name, []]));
const appHookData: Record<string, unknown> = {};

/**
 * Hooks the worker contract has and the local host refuses at registration, loudly: accepting one and
 * never running it would let an app work locally and differ in Azure. `appStart` runs in Azure once the
 * entry file is loaded; here the host serves right after loading it, with no start-up phase to run it in.
 */
const refusedHooks: Readonly<Record<string, string>> = {
  appStart: 'the local host has no start-up phase to run it in; run the work in the entry file, or teach functions-host.ts to run appStart hooks after loading it',
};

/**
 * Outside the Functions worker, @azure/functions switches to a "test mode" that registers nothing.
 * It loads the worker's contract lazily as the virtual module `@azure/functions-core`; providing that
 * module lets the app's unchanged entry file register with us exactly as it registers with Azure.
 * The contract is types-core/index.d.ts of azure-functions-nodejs-library; a contract test pins it.
 */
const functionsCore = {
  version: 'local',
  hostVersion: 'local',
  setProgrammingModel(): void {
    // The worker records which library drives it; nothing to do locally.
  },
  getProgrammingModel(): undefined {
    return undefined;
  },
  registerFunction(metadata: FunctionMetadata, handler: (...args: unknown[]) => unknown) {
    const entry = Object.entries(metadata.bindings).find(
      ([, binding]) => binding.direction === 'in' && binding.type.endsWith('Trigger'),
    );
    if (!entry) throw new Error(`function ${metadata.name} has no trigger binding`);
    registered.push({ name: metadata.name, trigger: { ...entry[1], name: entry[0] }, handler });
    return { dispose: () => undefined };
  },
  // Telemetry relies on this: Azure Monitor's preInvocation hook binds each invocation to its trace.
  registerHook(name: string, callback: CoreHookCallback) {
    const refusal = refusedHooks[name];
    if (refusal !== undefined) throw new Error(`hook "${name}" is refused by the local host: ${refusal}`);
    const list = hooks.get(name as HookName);
    if (!list) throw new RangeError(`hook "${name}" is not supported by the local host`);
    list.push(callback);
    return { dispose: () => { list.splice(list.indexOf(callback), 1); } };
  },
  log(level: string, category: string, message: string): void {
    if (level === 'error' || level === 'warning') process.stderr.write(`[${category}] ${message}\n`);
  },
};

interface ModuleInternals {
  _resolveFilename(request: string, ...rest: unknown[]): string;
  _cache: Record<string, unknown>;
}

let installed = false;

/** Must run before @azure/functions is first loaded. */
export function installFunctionsCoreShim(): void {
  if (installed) return;
  installed = true;
  // Module internals are not in @types/node; this is the documented way to provide a virtual module to CJS.
  const internals = Module as unknown as ModuleInternals;
  const resolve = internals._resolveFilename.bind(Module);
  internals._resolveFilename = (request: string, ...rest: unknown[]) =>
    request === '@azure/functions-core' ? request : resolve(request, ...rest);
  internals._cache['@azure/functions-core'] = { id: '@azure/functions-core', loaded: true, exports: functionsCore };
}

export function registeredFunctions(): readonly RegisteredFunction[] {
  return registered;
}

/**
 * Runs one invocation as the worker does: preInvocation hooks may replace the callback (to bind it to a
 * trace context, for example), then the callback runs with the inputs and the invocation context last;
 * then the postInvocation hooks see its result or its error (sharing `hookData` with the pre hooks) and
 * may replace either; a hook that throws makes that the error. An error left standing is thrown.
 */
export async function invokeWithHooks(
  handler: (...args: unknown[]) => unknown,
  invocationContext: unknown,
  inputs: unknown[],
): Promise<unknown> {
  const hookContext: CoreHookContext = { hookData: {}, appHookData, invocationContext, inputs, functionCallback: handler };
  for (const hook of hooks.get('preInvocation') ?? []) await hook(hookContext);
  const callback = hookContext.functionCallback ?? handler;
  const postHooks = hooks.get('postInvocation') ?? [];
  // Without postInvocation hooks the invocation is exactly the callback, its result or its rejection.
  if (postHooks.length === 0) return callback(...(hookContext.inputs ?? inputs), invocationContext);
  const after: CoreHookContext = { hookData: hookContext.hookData, appHookData, invocationContext, inputs: hookContext.inputs ?? inputs, result: null, error: null };
  try {
    after.result = await callback(...(hookContext.inputs ?? inputs), invocationContext);
  } catch (error: unknown) {
    after.error = error;
  }
  try {
    for (const hook of postHooks) await hook(after);
  } catch (error: unknown) {
    after.error = error;
  }
  // What the function threw, passed on as it was (the worker does the same), Error or not.
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrowing the app's own value
  if (after.error !== null && after.error !== undefined) throw after.error;
  return after.result;
}

/** Runs the app's appTerminate hooks (telemetry flushes its buffers there); failures are the app's own. */
export async function terminateApp(): Promise<void> {
  for (const hook of hooks.get('appTerminate') ?? []) {
    await Promise.resolve(hook({ hookData: {}, appHookData })).catch(() => undefined);
  }
}
