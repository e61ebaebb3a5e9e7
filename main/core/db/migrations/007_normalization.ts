// Schema v7: how each feature set's profiles were normalised (`feature_sets.normalization`, JSON:
// per-plate reference, whitening ridge, batch correction), and the project's chosen normalisation
// (`project_settings`, key 'normalization'), which `embed --normalize/--whiten-ridge/--batch-correct`
// sets and every later profile build (backbone, import-profiles) follows. IF NOT EXISTS: issue 13's 004
// briefly created the same table (same columns) in projects made on that branch.
export const sql = `
ALTER TABLE feature_sets ADD COLUMN normalization TEXT;
CREATE TABLE IF NOT EXISTS project_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;
