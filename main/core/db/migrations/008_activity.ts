// Schema v8: what each process is doing to the project right now (`project_activity`), so a request
// that finds the write lock held can say who holds it ("an import of plate BR00121482 is running")
// instead of "database is locked". Rows are written in their own short commit before a long write
// starts and deleted after it; a row whose process is gone is ignored and cleared by the next writer.
export const sql = `
CREATE TABLE project_activity (
  id INTEGER PRIMARY KEY,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  what TEXT NOT NULL,
  started_at TEXT NOT NULL
);
`;
