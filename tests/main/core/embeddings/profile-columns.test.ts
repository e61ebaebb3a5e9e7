// Which column plays which role, on the real headers in ../shared/realdata (BBBC021 per-well means,
// LINCS level-4b, JUMP's export names) and the spellings held-back tables may use.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EXPORT_METADATA_COLUMNS } from '../../../../main/core/embeddings/export-profiles.js';
import { parseColumnsOption, pertTypeFrom, resolveColumnRoles } from '../../../../main/core/embeddings/profile-columns.js';
import { REALDATA } from '../../../helpers/realdata.js';

const REAL = REALDATA;
const header = (f: string) => zlib.gunzipSync(fs.readFileSync(path.join(REAL, f))).toString('utf8').split('\n', 1)[0].split(',');

describe('column roles', () => {
  it('BBBC021: Metadata_compound, Metadata_concentration_uM, Metadata_batch; CellProfiler Number_Object_Number stays a feature', () => {
    const h = header('bbbc021-mcf7-moa/bbbc021_per_well_annotated.csv.gz');
    const r = resolveColumnRoles('t', h);
    expect(r.names).toMatchObject({ plate: 'Metadata_Plate', well: 'Metadata_Well', batch: 'Metadata_batch', compound: 'Metadata_compound', smiles: 'Metadata_smiles', concentration: 'Metadata_concentration_uM', control: null });
    expect(r.perRow).toEqual([]);
    expect(h).toContain('Cells_Number_Object_Number');
  });

  it('LINCS: broad_sample before pert_id, pert_type, mmoles_per_liter, Batch_Number; Metadata_cell_id (the cell line) is not per-row', () => {
    const r = resolveColumnRoles('t', header('lincs-a549-SQ00015054/SQ00015054_normalized_feature_select.csv.gz'));
    expect(r.names).toMatchObject({ plate: 'Metadata_Plate', compound: 'Metadata_broad_sample', control: 'Metadata_pert_type', concentration: 'Metadata_mmoles_per_liter', batch: 'Metadata_Batch_Number', moa: 'Metadata_moa', target: 'Metadata_target' });
    expect(r.perRow).toEqual([]);
  });

  it("reads every column micon export writes; JUMP's pert_type + control_type together; site and object columns are per-row", () => {
    const r = resolveColumnRoles('t', [...EXPORT_METADATA_COLUMNS, 'Metadata_control_type', 'Metadata_Site', 'ObjectNumber', 'Metadata_Cells_Number_Object_Number', 'Cells_Number_Object_Number']);
    expect(Object.values(r.names).every((v) => v !== null)).toBe(true);
    expect(r.names.control).toBe('Metadata_pert_type');
    expect(r.controlDetail).toBe(EXPORT_METADATA_COLUMNS.length);
    expect(r.perRow).toEqual([EXPORT_METADATA_COLUMNS.length + 1, EXPORT_METADATA_COLUMNS.length + 2, EXPORT_METADATA_COLUMNS.length + 3]);
  });

  it('--columns wins over the guesses and must name real columns; CellProfiler Image_Metadata_* is read', () => {
    const h = ['Image_Metadata_Plate', 'Image_Metadata_Well', 'Barcode', 'Pos', 'Drug'];
    expect(resolveColumnRoles('t', h).names).toMatchObject({ plate: 'Image_Metadata_Plate', well: 'Image_Metadata_Well' });
    const r = resolveColumnRoles('t', h, parseColumnsOption('plate=barcode, well = Pos,compound=Drug'));
    expect(r.names).toMatchObject({ plate: 'Barcode', well: 'Pos', compound: 'Drug' });
    expect(r.explicit).toEqual(['plate', 'well', 'compound']);
    expect(() => resolveColumnRoles('t.csv', h, { smiles: 'SMILES' })).toThrow(/t\.csv: --columns smiles=SMILES: no such column/);
    expect(() => parseColumnsOption('well')).toThrow(/"well" is not ROLE=COLUMN/);
    expect(parseColumnsOption('pert_type=Kind')).toEqual({ control: 'Kind' });
  });

  it('control types: negcon words, poscon_*, empty, trt; DMSO inferred when the column is blank; unknown words refused', () => {
    const none = { id: null, name: null, smiles: null };
    for (const w of ['negcon', 'control', 'DMSO', 'vehicle', 'Negative Control']) expect(pertTypeFrom(w, none)).toBe('negcon');
    for (const w of ['poscon_cp', 'poscon_orf', 'positive']) expect(pertTypeFrom(w, none)).toBe('poscon');
    expect(pertTypeFrom('trt', none)).toBe('trt');
    expect(pertTypeFrom('empty', none)).toBe('empty');
    expect(pertTypeFrom('', { id: 'DMSO', name: null, smiles: null })).toBe('negcon');
    expect(pertTypeFrom('', { id: 'x', name: null, smiles: 'CS(C)=O' })).toBe('negcon');
    expect(pertTypeFrom('', { id: 'taxol', name: null, smiles: null })).toBe('trt');
    expect(pertTypeFrom('', none)).toBeNull();
    expect(pertTypeFrom('weird', none)).toBeUndefined();
  });
});
