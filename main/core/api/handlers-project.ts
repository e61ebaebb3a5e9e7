import { readOnlyReason, schemaVersion } from '../db/open.js';
import { browseFolder } from '../files/browse.js';
import { previewProfileTable } from '../embeddings/import-profiles-preview.js';
import { previewIngest } from '../ingest/preview.js';
import { InputError } from '../types.js';
import type { HandlersOf, ProjectInfo } from './contract.js';
import type { projectRequests } from './contract-project.js';
import type { HandlerContext } from './handlers.js';
import type { ProjectSession } from './session.js';

export function projectHandlers(session: ProjectSession, ctx: HandlerContext): HandlersOf<typeof projectRequests> {
  const info = (): ProjectInfo => {
    const db = session.db;
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      path: session.path,
      schemaVersion: schemaVersion(db),
      plates: count('SELECT COUNT(*) n FROM plates'),
      wells: count('SELECT COUNT(*) n FROM wells'),
      sites: count('SELECT COUNT(*) n FROM sites'),
      compounds: count('SELECT COUNT(*) n FROM compounds WHERE is_control = 0'),
      transport: ctx.transport,
      transportNote: ctx.transportNote,
      readOnly: readOnlyReason(db),
    };
  };
  // Switching projects under a running job would leave the job writing to a file the UI no longer shows.
  const idle = (what: string) => {
    const running = ctx.jobs?.running() ?? [];
    if (running.length) throw new InputError(`cannot ${what} while a ${running[0].kind} job is running; cancel it or wait for it to finish`);
  };
  return {
    'project.info': info,
    'project.open': ({ path }) => {
      idle('open another project');
      session.open(path);
      return info();
    },
    'project.create': ({ path }) => {
      idle('create a project');
      session.create(path);
      return info();
    },
    'fs.browse': ({ path }) => browseFolder(path),
    'ingest.preview': ({ folder, platemap, plateMeta, channels }) => previewIngest(session.db, folder, { platemap, plateMeta, channels }),
    // Bounded: the header and at most 200 rows, whatever the file's size.
    'profiles.preview': ({ file, columns }) => previewProfileTable(file, { columns }),
  };
}
