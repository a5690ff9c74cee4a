import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019';
import type { ValidateFunction } from 'ajv/dist/2019';

/** The parts of azure.yaml (the Azure Developer CLI's project file) these checks read. */
export interface Hook { readonly shell?: string; readonly run?: string }
export interface Service {
  readonly project?: string;
  readonly host?: string;
  readonly language?: string;
  readonly dist?: string;
  readonly resourceName?: string;
  readonly uses?: readonly string[];
  readonly [property: string]: unknown;
}
export interface AzureYaml {
  readonly name?: string;
  readonly resourceGroup?: string;
  readonly infra?: { readonly provider?: string; readonly path?: string };
  readonly hooks?: Readonly<Record<string, Hook>>;
  readonly services?: Readonly<Record<string, Service>>;
}

/** The git blob id of schemas/v1.0/azure.yaml.json in Azure/azure-dev at the commit test/schemas/README.md names. */
export const publishedSchemaBlob = 'f7a7c9b5895676bdb4d5743737efe53db32e37b6';

export const gitBlobId = (bytes: Buffer): string => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

/** Every `$ref` to another document (a URL), anywhere in the schema. */
function externalRefs(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) externalRefs(item, found);
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && /^https?:/.test(value)) found.add(value);
      else externalRefs(value, found);
    }
  }
  return found;
}

/**
 * A validator for azd's published schema (JSON Schema 2019-09). The extension schemas it names by URL (the
 * azure.ai.* and microsoft.foundry hosts) are not fetched: each is a schema that rejects everything, so a
 * service of those hosts fails rather than passing unchecked.
 */
export function azureYamlValidator(schemaFile: string): ValidateFunction {
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
  // strictTypes and strictTuples judge how the schema is written (azd's business), not what it accepts.
  const ajv = new Ajv2019({ allErrors: true, strictTypes: false, strictTuples: false });
  // The schema annotates its conditional branches with `comment` where JSON Schema spells it `$comment`.
  ajv.addKeyword('comment');
  for (const url of externalRefs(schema)) ajv.addSchema(false, url);
  return ajv.compile(schema);
}

const variables = (node: unknown): string[] => {
  if (typeof node === 'string') return [...node.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1] ?? '');
  if (typeof node === 'object' && node !== null) return Object.values(node).flatMap(variables);
  return [];
};

/** The names of env/outputs.tf's outputs: azd writes each into the azd environment under that name. */
export const terraformOutputs = (root: string): Set<string> =>
  new Set([...readFileSync(join(root, 'env', 'outputs.tf'), 'utf8').matchAll(/^output "([^"]+)"/gm)].map((match) => match[1] ?? ''));

/** What the schema cannot know: that azure.yaml names this repository's Terraform, apps, outputs and scripts. */
export function linkProblems(config: AzureYaml, root: string): string[] {
  const found: string[] = [];
  const infra = resolve(root, config.infra?.path ?? 'infra');
  // The schema admits any provider and host name (extensions register more); these two are this project's.
  if (config.infra?.provider !== 'terraform') found.push(`infra.provider is ${String(config.infra?.provider)}, not terraform`);
  if (!existsSync(infra) || !readdirSync(infra).some((name) => name.endsWith('.tf'))) found.push(`infra.path ${String(config.infra?.path)} holds no Terraform (*.tf)`);
  const outputs = terraformOutputs(root);
  for (const name of variables(config)) if (!outputs.has(name)) found.push(`\${${name}} is not an output of env/outputs.tf`);
  for (const [event, hook] of Object.entries(config.hooks ?? {})) {
    for (const script of (hook.run ?? '').match(/scripts\/[\w.-]+/g) ?? []) if (!existsSync(join(root, script))) found.push(`hook ${event} runs ${script}, which does not exist`);
  }
  const services = Object.entries(config.services ?? {});
  for (const [name, service] of services) {
    if (service.host !== 'function') found.push(`${name}: host is ${String(service.host)}, not function`);
    const project = resolve(root, service.project ?? '.');
    if (!existsSync(join(project, 'package.json'))) found.push(`${name}: project ${String(service.project)} has no package.json`);
    // The packaging hook (scripts/stage-functions-for-azd.sh) unpacks each app's package into .local/azd/<its folder>.
    const dist = relative(root, resolve(project, service.dist ?? '.'));
    if (dist !== join('.local', 'azd', basename(project))) found.push(`${name}: dist is ${dist}, not the package the hook unpacks (.local/azd/${basename(project)})`);
    for (const other of service.uses ?? []) if (!services.some(([candidate]) => candidate === other)) found.push(`${name}: uses ${other}, which is no service`);
  }
  return found;
}

/**
 * How azd finds each app without a resourceName: the function app whose azd-service-name tag is the
 * service's name. The services must be the function apps' keys, as scripts/deploy-functions.sh pairs them
 * with their folders, and env/functions.tf must tag each app with its key.
 */
export function discoveryProblems(config: AzureYaml, root: string): string[] {
  const found: string[] = [];
  const deploy = readFileSync(join(root, 'scripts', 'deploy-functions.sh'), 'utf8');
  const pairs = [...(/^for pair in (.*); do$/m.exec(deploy)?.[1] ?? '').matchAll(/"(\w+):(\w+)"/g)].map((match) => `${match[1] ?? ''}:${match[2] ?? ''}`);
  const services = Object.entries(config.services ?? {}).map(([name, service]) => `${name}:${basename(service.project ?? '')}`);
  if (pairs.length === 0 || services.toSorted().join(' ') !== pairs.toSorted().join(' ')) found.push(`services ${services.join(' ')} are not the function apps' keys and folders ${pairs.join(' ')} (scripts/deploy-functions.sh)`);
  const functions = readFileSync(join(root, 'env', 'functions.tf'), 'utf8');
  const start = functions.indexOf('resource "azurerm_function_app_flex_consumption" "main" {');
  const app = start < 0 ? '' : functions.slice(start, functions.indexOf('\n}\n', start));
  const untagged = Object.entries(config.services ?? {}).filter(([, service]) => service.resourceName === undefined);
  if (untagged.length > 0 && !/"?azd-service-name"?\s*=\s*each\.key\b/.test(app)) {
    found.push(`${untagged.map(([name]) => name).join(', ')}: no resourceName, and env/functions.tf does not tag azurerm_function_app_flex_consumption.main with "azd-service-name" = each.key`);
  }
  return found;
}
