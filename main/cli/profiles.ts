// `micon import-profiles` and `micon export`: profiles in and out, pycytominer-style.
import fs from 'node:fs';
import { exportProfiles, type ProfileKind } from '../core/embeddings/export-profiles.js';
import { importProfiles } from '../core/embeddings/import-profiles.js';
import type { TableFormat } from '../core/embeddings/profile-table.js';
import { InputError } from '../core/types.js';
import { emit, formatProblems } from './output.js';
import { openCliProject } from './project.js';

export interface ImportProfilesCliOptions {
  db: string;
  name: string;
  replace?: boolean;
  allowUnmatched?: boolean;
  createPlates?: boolean;
  columns?: string;
  compounds?: string;
  json?: boolean;
}

export async function runImportProfiles(file: string, o: ImportProfilesCliOptions): Promise<void> {
  if (!o.createPlates && !fs.existsSync(o.db)) throw new InputError(`${o.db}: no such project file; run micon ingest first, or pass --create-plates to start a project from the table`);
  const db = openCliProject(o.db, { create: !!o.createPlates });
  try {
    const r = await importProfiles(db, file, {
      name: o.name,
      replace: !!o.replace,
      allowUnmatched: !!o.allowUnmatched,
      createPlates: !!o.createPlates,
      columns: o.columns,
      compoundsFile: o.compounds,
    });
    const c = r.created;
    const roles = Object.entries(r.columns)
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    emit(!!o.json, r, () =>
      [
        `${r.replaced ? 'replaced' : 'imported'} feature set "${r.featureSet}" from ${r.file} (${r.format}): ${r.rows} rows → ${r.wells} wells on ${r.plates} plates × ${r.features} features`,
        `columns: ${roles}`,
        c
          ? `created ${c.plates} plates, ${c.wells} wells, ${c.compounds} compounds (${c.compoundsWithSmiles} with a structure), ${c.controlWells} control wells; sources ${c.sources.join(', ')}; batches ${c.batches.join(', ')}` +
            (c.existingPlates.length ? `; kept ${c.existingPlates.length} plates already in the project` : '') +
            (c.compoundsTable ? `; compounds table ${c.compoundsTable.file} (${c.compoundsTable.how}): ${c.sideTableMatches} rows matched` : '')
          : '',
        c?.compoundsWithoutSmiles.length ? `no structure for ${c.compoundsWithoutSmiles.length} compounds (searchable, left out of molecule-side training): ${c.compoundsWithoutSmiles.slice(0, 12).join(', ')}${c.compoundsWithoutSmiles.length > 12 ? ', …' : ''}` : '',
        ...(c?.defaults ?? []),
        r.averagedWells ? `averaged: ${r.averagedWells} wells had several rows (up to ${r.maxRowsPerWell}: cells or sites); their mean is the well's profile` : 'one row per well',
        r.droppedFeatures.length ? `dropped ${r.droppedFeatures.length} features with missing values (NaN/empty), as pycytominer does` : 'no features dropped',
        r.unmatchedRows ? `skipped ${r.unmatchedRows} rows without a project well` : '',
        r.ignoredColumns.length ? `ignored text columns: ${r.ignoredColumns.join(', ')}` : '',
        `profiles: ${r.profiles.wells} wells, MAD vs DMSO per plate, ZCA on ${r.profiles.controlWells} ${r.profiles.spheringReference} wells; micon eval now includes "${r.featureSet}"`,
        formatProblems(r.problems),
      ]
        .filter(Boolean)
        .join('\n'),
    );
  } finally {
    db.close();
  }
}

export async function runExport(o: { db: string; out: string; format?: TableFormat; features?: string; raw?: boolean; normalized?: boolean; json?: boolean }): Promise<void> {
  if (!fs.existsSync(o.db)) throw new InputError(`${o.db}: no such project file`);
  const db = openCliProject(o.db, { readOnlyOk: true });
  try {
    const profile: ProfileKind = o.raw ? 'raw' : 'normalized';
    const r = await exportProfiles(db, o.out, { format: o.format, features: o.features, profile });
    emit(!!o.json, r, () => `wrote ${r.file} (${r.format}): ${r.wells} wells × ${r.features} ${r.profile} features of "${r.featureSet}" after ${r.metadataColumns.length} Metadata_* columns`);
  } finally {
    db.close();
  }
}
