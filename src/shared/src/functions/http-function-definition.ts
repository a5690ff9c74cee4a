import type { HttpFunctionOptions } from '@azure/functions';

/**
 * One HTTP function: its name and the options `app.http` receives. Each app keeps a list of these;
 * its entry file registers the list with Azure, and the local host serves whatever that entry
 * registered, so routes exist in one place only.
 */
export interface HttpFunctionDefinition {
  readonly name: string;
  readonly options: HttpFunctionOptions;
}

export interface HttpRegistrar {
  http(name: string, options: HttpFunctionOptions): void;
}

export function registerHttpFunctions(app: HttpRegistrar, definitions: readonly HttpFunctionDefinition[]): void {
  // app.http mutates the options it is given (app.get/post overwrite methods), so hand it a copy.
  for (const definition of definitions) app.http(definition.name, { ...definition.options });
}
