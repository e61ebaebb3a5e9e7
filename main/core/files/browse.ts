// A folder listing for the in-app file chooser. Browser mode has no native dialog, so the page walks
// folders through this; the Electron app uses it too, so the flow is the same in both.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../types.js';

export type EntryKind = 'dir' | 'project' | 'csv' | 'image' | 'other';

export interface BrowseResult {
  path: string;
  parent: string | null;
  home: string;
  entries: { name: string; path: string; kind: EntryKind }[];
  truncated: boolean;
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

export function browseFolder(dir: string | undefined): BrowseResult {
  const home = os.homedir();
  const abs = path.resolve(dir && dir.trim() ? dir.trim() : home);
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
  return { path: folder, parent: parent === folder ? null : parent, home, entries: entries.slice(0, MAX_ENTRIES), truncated: entries.length > MAX_ENTRIES };
}
