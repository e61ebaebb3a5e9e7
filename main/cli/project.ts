// How each command opens its --db: which may create a project, which can work on a read-only one.
import { openProject, readOnlyReason, type DB } from '../core/db/open.js';

export interface CliOpen {
  /** The command reads only (query, export, serve's views): a project it cannot write is opened read-only, with a note. */
  readOnlyOk?: boolean;
}

export function openCliProject(file: string, o: CliOpen = {}): DB {
  const db = openProject(file, { readOnlyFallback: o.readOnlyOk });
  const why = readOnlyReason(db);
  if (why) process.stderr.write(`micon: note: ${file} is open read-only (${why})\n`);
  return db;
}
