// Where the project and the shared spec testsuite are, independent of the working
// directory: this file lives in src/wast (or dist/wast once built).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TESTSUITE_DIR = resolve(PROJECT_ROOT, '..', 'shared', 'testsuite');
