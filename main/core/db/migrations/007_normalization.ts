// Schema v7: how each feature set's profiles were normalised (`feature_sets.normalization`, JSON:
// per-plate reference, whitening ridge, batch correction), and the project's chosen normalisation
// (`project_settings`, key 'normalization'), which `embed --normalize/--whiten-ridge/--batch-correct`
// sets and every later profile build (backbone, import-profiles) follows.
export const sql = `
ALTER TABLE feature_sets ADD COLUMN normalization TEXT;
-- IF NOT EXISTS: an earlier 004 (issue 13) also created it; projects made with that one already have it.
CREATE TABLE IF NOT EXISTS project_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;
