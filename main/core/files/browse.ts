// A folder listing for the in-app file chooser. Browser mode has no native dialog, so the page walks
// folders through this; the Electron app uses it too, so the flow is the same in both.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../types.js';
import type { FileScope } from './scope.js';

export type EntryKind = 'dir' | 'project' | 'csv' | 'image' | 'other';

export interface BrowseResult {
  path: string;
  parent: string | null;
  home: string;
  entries: { name: string; path: string; kind: EntryKind }[];
  truncated: boolean;
  /** The folders the chooser may walk (empty: anywhere). */
  roots: string[];
}

const MAX_ENTRIES = 2000;

function kindOf(name: string, isDir: boolean): EntryKind {
  if (isDir) return 'dir';
  const n = name.toLowerCase();
  if (n.endsWith('.micon')) return 'project';
  // Tables: platemaps, plate tables and profile tables (CSV/TSV, gzipped, or Parquet).
  if (/\.(csv|tsv|csv\.gz|tsv\.gz|txt|parquet|pq)$/.test(n)) return 'csv';
  if (/\.(tiff?|png|jpe?g|c01|dib)$/.test(n)) return 'image';
  return 'other';
}

/** List a folder; with a scope, only inside its folders (starting in the first that exists, never above one). */
export function browseFolder(dir: string | undefined, scope?: FileScope): BrowseResult {
  const roots = scope ? scope.list().filter((r) => fs.existsSync(r)) : [];
  const home = scope ? (roots[0] ?? os.homedir()) : os.homedir();
  const given = dir && dir.trim() ? dir.trim() : null;
  const abs = scope && given ? scope.check(given, 'folder') : path.resolve(given ?? home);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new InputError(`${abs}: no such folder`);
  }
  const folder = st.isDirectory() ? abs : path.dirname(abs);
  let dirents: fs.Dirent[];
  try {
    dirents = fs.readdirSync(folder, { withFileTypes: true });
  } catch (e) {
    throw new InputError(`${folder}: cannot list (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const entries = dirents
    .filter((d) => !d.name.startsWith('.'))
    .map((d) => {
      // A symlink to a folder is walked like a folder.
      let isDir = d.isDirectory();
      if (d.isSymbolicLink()) {
        try {
          isDir = fs.statSync(path.join(folder, d.name)).isDirectory();
        } catch {
          isDir = false;
        }
      }
      return { name: d.name, path: path.join(folder, d.name), kind: kindOf(d.name, isDir) };
    })
    .sort((a, b) => Number(b.kind === 'dir') - Number(a.kind === 'dir') || a.name.localeCompare(b.name, undefined, { numeric: true }));
  const parent = path.dirname(folder);
  const up = parent === folder || (scope && !scope.contains(parent)) ? null : parent;
  return { path: folder, parent: up, home, entries: entries.slice(0, MAX_ENTRIES), truncated: entries.length > MAX_ENTRIES, roots };
}
