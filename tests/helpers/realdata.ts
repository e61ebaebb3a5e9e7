import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The shared real public data (../shared/realdata from the repository root); read in place, never copied. */
export const REALDATA = path.resolve(repoRoot, '../shared/realdata');
