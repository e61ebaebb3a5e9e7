import { readOnlyReason, schemaVersion } from '../db/open.js';
import path from 'node:path';
import { browseFolder } from '../files/browse.js';
import type { FileScope } from '../files/scope.js';
import { previewProfileTable } from '../embeddings/import-profiles-preview.js';
import { previewIngest } from '../ingest/preview.js';
import { InputError } from '../types.js';
import type { HandlersOf, ProjectInfo } from './contract.js';
import type { projectRequests } from './contract-project.js';
import type { HandlerContext } from './handlers.js';
import { PROJECT_EXT, type ProjectSession } from '../project/session.js';

export function projectHandlers(session: ProjectSession, ctx: HandlerContext, files: FileScope): HandlersOf<typeof projectRequests> {
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
    'project.open': ({ path: file }) => {
      idle('open another project');
      session.open(files.check(file, 'project'));
      return info();
    },
    'project.create': ({ path: file }) => {
      idle('create a project');
      // Only project files, only where the user may put them: never ~/.ssh/authorized_keys or an autostart entry.
      const ext = path.extname(file);
      if (ext && ext.toLowerCase() !== PROJECT_EXT) throw new InputError(`${file}: a project file ends in ${PROJECT_EXT}; only ${PROJECT_EXT} files are created`);
      session.create(files.check(ext ? file : file + PROJECT_EXT, 'new project'));
      return info();
    },
    'fs.browse': ({ path: dir }) => browseFolder(dir, files),
    'ingest.preview': ({ folder, platemap, plateMeta, channels }) =>
      previewIngest(session.db, files.check(folder, 'plate folder'), {
        platemap: platemap && files.check(platemap, 'platemap'),
        plateMeta: plateMeta && files.check(plateMeta, 'plate metadata'),
        channels,
      }),
    // Bounded: the header and at most 200 rows, whatever the file's size.
    'profiles.preview': ({ file, columns }) => previewProfileTable(files.check(file, 'profile table'), { columns }),
  };
}
