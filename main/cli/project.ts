// How each command opens its --db: which may create a project, which can work on a read-only one.
import { openProject, readOnlyReason, type DB } from '../core/db/open.js';

export interface CliOpen {
  /** The command may start a new project (ingest, import-profiles --create-plates, serve); others refuse a missing file, so a --db typo creates nothing. */
  create?: boolean;
  /** The command reads only (query, export, serve's views): a project it cannot write is opened read-only, with a note. */
  readOnlyOk?: boolean;
}

export function openCliProject(file: string, o: CliOpen = {}): DB {
  const db = openProject(file, { readOnlyFallback: o.readOnlyOk, create: o.create ?? false });
  const why = readOnlyReason(db);
  if (why) process.stderr.write(`micon: note: ${file} is open read-only (${why})\n`);
  return db;
}
