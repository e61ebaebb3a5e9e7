import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// The data lives beside the checkout (../shared/realdata), but a clean clone made elsewhere (CI clones into a
// temporary folder) must find it too: $MICON_REALDATA, then `shared/realdata` beside the checkout or any folder
// above it, then the workplace's own copy. Never copied into the project.
function findRealdata(): string {
  if (process.env.MICON_REALDATA) return path.resolve(process.env.MICON_REALDATA);
  for (let dir = repoRoot; ; dir = path.dirname(dir)) {
    const candidate = path.join(path.dirname(dir), 'shared', 'realdata');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  const workplace = '/work/shared/realdata';
  if (existsSync(workplace)) return workplace;
  throw new Error(`real data not found beside ${repoRoot} (../shared/realdata) nor at ${workplace}: set MICON_REALDATA to the realdata folder`);
}

/** The shared real public data; read in place, never copied. */
export const REALDATA = findRealdata();
