// Type-aware lint for every workspace. The two rules the project leans on hardest:
// no floating promises (an un-awaited assertion cannot fail a test) and no test without an assertion.
import js from '@eslint/js';
import jest from 'eslint-plugin-jest';
import mocha from 'eslint-plugin-mocha';
import tseslint from 'typescript-eslint';

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
