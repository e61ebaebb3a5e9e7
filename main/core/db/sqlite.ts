// better-sqlite3, with SQLite's URI filenames switched on. The addon reads SQLITE_USE_URI once, when it
// is first loaded (at the first `new Database`), and a read-only project in a read-only folder can only
// be opened through a `file:…?immutable=1` URI (see inspect.ts). Every path we pass is absolute, so no
// project path is mistaken for a URI.
import Database from 'better-sqlite3';

process.env.SQLITE_USE_URI ??= '1';

export { Database };
