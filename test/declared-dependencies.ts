import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';

/** What a workspace's package.json declares, as far as this check reads it. */
export interface Manifest {
  readonly name?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/** A workspace's TypeScript: what it runs (src/, and LoadTest's bench/) and its tests (test/). Keys are paths, values the text. */
export interface WorkspaceSources {
  readonly src: ReadonlyMap<string, string>;
  readonly test: ReadonlyMap<string, string>;
}

export interface DependencyFindings {
  /** Production code imports it, but `dependencies` does not declare it: the deployment package may lack it. */
  readonly undeclared: string[];
  /** A test imports it, but neither the workspace nor the root declares it. */
  readonly undeclaredInTests: string[];
  /** Declared in `dependencies`, imported nowhere in the workspace. */
  readonly unused: string[];
}

/** The Functions host provides this module to the app at run time (the local stack's shim stands in for it); no registry has it. */
const providedByTheHost = new Set(['@azure/functions-core']);

/**
 * The module names a file loads, read from its syntax (not its text, so an import inside a string, as in
 * a test's fixture, is not one): import and export declarations, `import x = require()`, `require()`,
 * `import()`, and `require.resolve(name)`. `require.resolve(name, { paths })` finds another folder's
 * package (the bench resolves the apps'), not this one's, and does not count.
 */
function moduleNames(text: string): string[] {
  const names: string[] = [];
  const file = ts.createSourceFile('file.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      names.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      names.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0] as ts.Expression)) {
      const callee = node.expression;
      const loads = callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
      const resolvesHere = ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require' && callee.name.text === 'resolve' && node.arguments.length === 1;
      if (loads || resolvesHere) names.push((node.arguments[0] as ts.StringLiteral).text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return names;
}

/** The packages a set of files imports: bare specifiers, reduced to the package name; node's own modules left out. */
export function importedPackages(files: Iterable<string>): Set<string> {
  const packages = new Set<string>();
  for (const text of files) {
    for (const specifier of moduleNames(text)) {
      if (specifier.startsWith('.') || specifier.startsWith('/')) continue;
      if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] ?? '')) continue;
      const parts = specifier.split('/');
      const name = specifier.startsWith('@') ? `${parts[0] ?? ''}/${parts[1] ?? ''}` : (parts[0] ?? '');
      if (!providedByTheHost.has(name)) packages.add(name);
    }
  }
  return packages;
}

/**
 * A deployed function app gets only the packages its own package.json declares (and what they bring): a
 * package its code imports must be declared there, not found by luck because another workspace or the
 * root hoisted it. Tests may also use the root's devDependencies (mocha, the linters). A declared package
 * nobody imports is dead weight in the deployment package. Type packages (`@types/...`) are never imported
 * and count as used.
 */
export function dependencyFindings(manifest: Manifest, sources: WorkspaceSources, root: Manifest): DependencyFindings {
  const dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
  const forTests = new Set([...dependencies, ...Object.keys(manifest.devDependencies ?? {}), ...Object.keys(root.devDependencies ?? {})]);
  const own = (name: string) => name === manifest.name;
  const inSrc = importedPackages(sources.src.values());
  const inTest = importedPackages(sources.test.values());
  return {
    undeclared: [...inSrc].filter((name) => !own(name) && !dependencies.has(name)).sort(),
    undeclaredInTests: [...inTest].filter((name) => !own(name) && !forTests.has(name)).sort(),
    unused: [...dependencies].filter((name) => !name.startsWith('@types/') && !inSrc.has(name) && !inTest.has(name)).sort(),
  };
}

export function typeScriptFiles(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(folder)) return files;
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(path).isDirectory()) for (const [file, text] of typeScriptFiles(path)) files.set(file, text);
    else if (name.endsWith('.ts')) files.set(path, readFileSync(path, 'utf8'));
  }
  return files;
}

export function readManifest(folder: string): Manifest {
  return JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Manifest;
}

/** The folders of a workspace whose code runs outside its tests. */
const runningFolders = ['src', 'bench'];

/** A workspace's findings, read from disk. */
export function workspaceFindings(root: string, workspace: string): DependencyFindings {
  const folder = join(root, workspace);
  const src = new Map(runningFolders.flatMap((name) => [...typeScriptFiles(join(folder, name))]));
  return dependencyFindings(readManifest(folder), { src, test: typeScriptFiles(join(folder, 'test')) }, readManifest(root));
}
