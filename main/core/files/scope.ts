// The folders a UI session may touch. Every path the page sends (projects to open or create, folders
// to browse, plate folders, platemaps, profile tables) must lie inside one of them: the page is the
// least trusted part of the app (a renderer XSS inherits the whole API), so what the page names is
// checked here, against folders that came from somewhere the page cannot forge: the project the app
// was started on, the default projects folder, folders given at launch (`micon serve --allow`,
// MICON_ALLOWED_FOLDERS) and, in the desktop app, folders the user dropped on the window.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../types.js';

const caseless = process.platform === 'win32' || process.platform === 'darwin';
const norm = (p: string) => (caseless ? p.toLowerCase() : p);

/** The real path of `p`, or of its nearest existing ancestor with the rest appended (for a file to create). */
function realish(p: string): string {
  const abs = path.resolve(p);
  try {
    return fs.realpathSync(abs);
  } catch {
    const parent = path.dirname(abs);
    return parent === abs ? abs : path.join(realish(parent), path.basename(abs));
  }
}

/** Folders from MICON_ALLOWED_FOLDERS (path-delimiter separated), for either shell. */
export function foldersFromEnv(env: Record<string, string | undefined> = process.env): string[] {
  return (env.MICON_ALLOWED_FOLDERS ?? '')
    .split(path.delimiter)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Browser mode's default projects folder (the desktop app uses its userData/projects). */
export const defaultProjectsFolder = (): string => path.join(os.homedir(), 'MICON Projects');

export class FileScope {
  private readonly roots: string[] = [];

  constructor(folders: Iterable<string> = []) {
    for (const f of folders) this.grant(f);
  }

  /** Allow a folder and everything under it (a file grants its folder). */
  grant(p: string): void {
    let real = realish(p);
    try {
      if (!fs.statSync(real).isDirectory()) real = path.dirname(real);
    } catch {
      // A folder that does not exist yet (the default projects folder) is granted as named.
    }
    if (!this.roots.some((r) => norm(r) === norm(real))) this.roots.push(real);
  }

  /** The granted folders, first the one to start browsing in. */
  list(): string[] {
    return [...this.roots];
  }

  /** Whether `real` (already resolved) is a granted folder or lies inside one. */
  contains(real: string): boolean {
    const r = norm(real);
    return this.roots.some((root) => {
      const n = norm(root);
      return r === n || r.startsWith(n.endsWith(path.sep) ? n : n + path.sep);
    });
  }

  /** The real path of `p` when it lies inside a granted folder; otherwise an InputError naming it. */
  check(p: string, what: string): string {
    const real = realish(p);
    if (this.contains(real)) return real;
    throw new InputError(
      `${what} ${path.resolve(p)}: outside the folders this session may use (${this.roots.join(', ') || 'none'}); ` +
        'start micon serve with --allow FOLDER (or set MICON_ALLOWED_FOLDERS), or drop the folder on the desktop app\'s window',
    );
  }
}
