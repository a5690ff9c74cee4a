import { resolve } from 'node:path';

/** The repository's root: these tests run compiled, from test/dist/. */
export const repositoryRoot = resolve(__dirname, '..', '..');
