import fsp from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../types.js';

export interface DirListing {
  files: string[];
  dirs: string[];
}

/** Files and sub-folders of one folder, sorted; symlinks count as what they point to. */
export async function listDir(dir: string): Promise<DirListing> {
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  const dirs: string[] = [];
  for (const e of entries) {
    if (e.isFile()) files.push(e.name);
    else if (e.isDirectory()) dirs.push(e.name);
    else if (e.isSymbolicLink()) {
      const st = await fsp.stat(path.join(dir, e.name)).catch(() => null);
      if (st?.isFile()) files.push(e.name);
      else if (st?.isDirectory()) dirs.push(e.name);
    }
  }
  return { files: files.sort(), dirs: dirs.sort() };
}

/** The InputError for a folder we cannot list, with the reason in words the user can act on. */
export function folderError(folder: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied (cannot read this folder)'
      : code === 'ENOENT'
        ? 'no such folder'
        : code === 'ENOTDIR'
          ? 'not a folder'
          : `cannot read (${code ?? (e as Error).message})`;
  return new InputError(`${folder}: ${why}`, [{ file: folder, message: why, severity: 'error' }]);
}

/**
 * Folder listings cached per folder, so checking that 100k referenced files exist costs one
 * readdir per folder instead of one stat per file. Lookups are case-insensitive as a fallback
 * because metadata written on Windows often disagrees with the case on disk.
 */
export class DirIndex {
  private cache = new Map<string, Promise<Map<string, string> | null>>();

  private names(dir: string): Promise<Map<string, string> | null> {
    let p = this.cache.get(dir);
    if (!p) {
      p = listDir(dir)
        .then((l) => {
          const m = new Map<string, string>();
          for (const f of l.files) {
            m.set(f, f);
            if (!m.has(f.toLowerCase())) m.set(f.toLowerCase(), f);
          }
          return m;
        })
        .catch(() => null);
      this.cache.set(dir, p);
    }
    return p;
  }

  /** The path of `file` as it exists on disk (exact name, else case-insensitive match), or null. */
  async find(file: string): Promise<string | null> {
    const dir = path.dirname(file);
    const base = path.basename(file);
    const m = await this.names(dir);
    const hit = m?.get(base) ?? m?.get(base.toLowerCase());
    return hit ? path.join(dir, hit) : null;
  }
}

/** Text of a metadata file; handles the UTF-8 and UTF-16 byte-order marks Windows instruments write. */
export async function readText(file: string): Promise<string> {
  const buf = await fsp.readFile(file);
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  const s = buf.toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/** First file in `files` whose name matches one of `names` case-insensitively, in the order of `names`. */
export function pickName(files: string[], names: string[]): string | undefined {
  for (const n of names) {
    const hit = files.find((f) => f.toLowerCase() === n.toLowerCase());
    if (hit) return hit;
  }
  return undefined;
}
