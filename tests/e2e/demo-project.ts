import { copyDemoProject } from '../helpers/demo-cache.js';

/**
 * A real project: the small generated demo screen, every source ingested the way `micon demo` does
 * it. Built once per run (tests/helpers/demo-cache.ts); each call gets its own copy at `<dir>/demo.micon`.
 */
export async function makeProject(dir: string): Promise<string> {
  return copyDemoProject(dir);
}
