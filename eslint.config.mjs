// Type-aware lint for every workspace. The two rules the project leans on hardest:
// no floating promises (an un-awaited assertion cannot fail a test) and no test without an assertion.
import js from '@eslint/js';
import jest from 'eslint-plugin-jest';
import mocha from 'eslint-plugin-mocha';
import tseslint from 'typescript-eslint';

// The layers of both apps (docs/architecture.md): functions → handlers → domain ← data, clients. An import
// may only point down or into the domain; the domain imports no adapter and no driver, so it stays what a
// newcomer reads first and what unit tests load without mongodb or @azure/functions. test/layer-rules.test.ts
// shows each rule failing on a deliberate violation.
const appSource = (folder) => [`src/AuditApi/src/${folder}/**/*.ts`, `src/PatientTestsApi/src/${folder}/**/*.ts`];
/** A relative import of one of the app's own folders, from any depth (`../data/x`, `../../handlers/y`). */
const appFolder = (...folders) => ({
  regex: `^\\.\\.?/(?:\\.\\./)*(?:${folders.join('|')})(?:/|$)`,
  message: `crosses the layers: functions → handlers → domain ← data, clients (docs/architecture.md)`,
});
const layerRule = (...patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });
const layerRules = [
  {
    files: appSource('domain'),
    rules: layerRule(
      appFolder('data', 'clients', 'handlers', 'functions', 'openapi'),
      { group: ['mongodb', 'mongodb/*', '@azure/functions', '@azure/functions/*'], message: 'the domain loads no driver and no host: an adapter does (data/, clients/, handlers/)' },
      {
        group: ['@patient-tests/shared/mongo', '@patient-tests/shared/http', '@patient-tests/shared/functions', '@patient-tests/shared/telemetry'],
        message: 'this shared entry point loads mongodb or @azure/functions; the domain takes errors, schema, retry and config only',
      },
    ),
  },
  { files: appSource('handlers'), rules: layerRule(appFolder('functions', 'data', 'clients'), { group: ['mongodb', 'mongodb/*'], message: 'handlers reach the database through the domain' }) },
  { files: [...appSource('data'), ...appSource('clients')], rules: layerRule(appFolder('functions', 'handlers')) },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.local/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.mjs', '.mocharc.cjs', 'scripts/*.cjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Destructuring members away (`const { id: _id, ...fields } = body`) is how server-assigned members are dropped.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...layerRules,
  {
    files: ['**/test/**/*.ts'],
    plugins: { jest, mocha },
    rules: {
      'mocha/no-exclusive-tests': 'error',
      'mocha/no-identical-title': 'error',
      'mocha/no-empty-title': 'error',
      // eslint-plugin-mocha has no "test must assert" rule; jest's expect-expect does exactly that for any
      // global it(), so it is borrowed with our assertion helpers named. Drop it if mocha's plugin gains one.
      'jest/expect-expect': ['error', { assertFunctionNames: ['assert', 'assert.*', 'expect*', 'assert*'] }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['*.mjs', '.mocharc.cjs', 'scripts/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
