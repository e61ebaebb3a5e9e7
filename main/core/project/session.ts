// The project the UI is looking at. The app and browser mode open one project at a time; the user can
// switch to another (or create one) without restarting, so handlers ask the session for the database
// at call time instead of holding a connection of their own.
import fs from 'node:fs';
import path from 'node:path';
import { openProject, type DB, type OpenOptions } from '../db/open.js';
import { InputError } from '../types.js';

export const PROJECT_EXT = '.micon';

/**
 * The UI's connection never waits inside SQLite for another process's write lock: SQLite's busy timeout
 * waits synchronously, on the event loop, so the whole server (or the app's main process) would stand
 * still meanwhile. A write that finds the lock held fails at once and is retried on a timer for up to
 * UI_BUSY_WAIT_MS (handlers.ts), then answered "project busy" (409) naming the holder.
 */
export const UI_BUSY_TIMEOUT_MS = 0;
export const UI_BUSY_WAIT_MS = 3000;

export class ProjectSession {
  private current: DB;
  private file: string;
  private readonly listeners = new Set<(file: string) => void>();

  constructor(
    db: DB,
    file: string,
    private readonly openOpts: OpenOptions = {},
    /** Whether switching projects closes the previous connection (false when the caller owns it). */
    private ownsDb = false,
  ) {
    this.current = db;
    this.file = path.resolve(file);
    if (openOpts.busyTimeoutMs !== undefined && db.open) db.pragma(`busy_timeout = ${openOpts.busyTimeoutMs}`);
  }

  get db(): DB {
    return this.current;
  }

  get path(): string {
    return this.file;
  }

  /** Called after the open project changes (caches keyed on the database must drop their entries). */
  onChange(listener: (file: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Open an existing project file. Refuses anything that is not a MICON project (openProject inspects it first). */
  open(file: string): void {
    const abs = path.resolve(file);
    if (!fs.existsSync(abs)) throw new InputError(`${abs}: no such project file`);
    if (!fs.statSync(abs).isFile()) throw new InputError(`${abs}: is a folder, not a project file (${PROJECT_EXT})`);
    this.switchTo(abs);
  }

  /** Create a new, empty project; refuses to overwrite an existing file. */
  create(file: string): void {
    let abs = path.resolve(file);
    if (path.extname(abs) === '') abs += PROJECT_EXT;
    if (fs.existsSync(abs)) throw new InputError(`${abs} already exists; open it instead, or choose another name`);
    if (!fs.existsSync(path.dirname(abs))) throw new InputError(`${path.dirname(abs)}: no such folder`);
    this.switchTo(abs);
  }

  private switchTo(abs: string): void {
    if (abs === this.file) return;
    const next = openProject(abs, this.openOpts);
    const prev = this.current;
    this.current = next;
    this.file = abs;
    if (this.ownsDb) prev.close();
    this.ownsDb = true;
    for (const l of this.listeners) l(abs);
  }

  close(): void {
    if (this.ownsDb) this.current.close();
  }
}
