// How each command opens its --db: which may create a project, which can work on a read-only one.
import { currentActivity } from '../core/db/activity.js';
import { openProject, readOnlyReason, type DB } from '../core/db/open.js';

export interface CliOpen {
  /** The command may start a new project (ingest, import-profiles --create-plates, serve); others refuse a missing file, so a --db typo creates nothing. */
  create?: boolean;
  /** The command reads only (query, export, serve's views): a project it cannot write is opened read-only, with a note. */
  readOnlyOk?: boolean;
}

/** The projects this command opened, to say who holds the lock when a write finds it busy. */
const opened: string[] = [];

export function openCliProject(file: string, o: CliOpen = {}): DB {
  const db = openProject(file, { readOnlyFallback: o.readOnlyOk, create: o.create ?? false });
  opened.push(file);
  const why = readOnlyReason(db);
  if (why) process.stderr.write(`micon: note: ${file} is open read-only (${why})\n`);
  return db;
}

/** Who holds the write lock of the projects this command opened, as they announced it (activity.ts). */
export function lockHolder(): string | null {
  // The command's own connection is usually closed by now (its finally ran before the error got here).
  for (const file of opened) {
    try {
      const db = openProject(file, { readonly: true });
      try {
        const who = currentActivity(db);
        if (who) return who;
      } finally {
        db.close();
      }
    } catch {
      /* no better answer than "another process" */
    }
  }
  return null;
}
