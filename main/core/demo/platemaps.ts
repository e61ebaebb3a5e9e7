// Platemaps and plate metadata in the two styles labs hand over: JUMP `Metadata_*` columns for
// source 1, a plain hand-made sheet for source 2 (unpadded, mixed-case wells such as a1 / B3, an
// empty control_type for treated wells) so the importer's normalisation gets exercised.
import { DMSO } from './compounds.js';
import type { PlatePlan, WellPlan } from './design.js';
import type { Rng } from './random.js';

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(header: string[], rows: (string | number | null)[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

const ident = (w: WellPlan) =>
  w.compound
    ? { id: w.compound.id, name: w.compound.name, smiles: w.compound.smiles, moa: w.compound.moa }
    : { id: DMSO.id, name: DMSO.name, smiles: DMSO.smiles, moa: null };

export function jumpPlatemap(plates: PlatePlan[]): string {
  const rows = plates.flatMap((p) =>
    p.wells.map((w) => {
      const c = ident(w);
      return [p.name, w.well, c.id, c.name, c.smiles, w.concentration, w.compound ? 'trt' : 'negcon', c.moa];
    }),
  );
  return toCsv(
    ['Metadata_Plate', 'Metadata_Well', 'Metadata_JCP2022', 'Metadata_Name', 'Metadata_SMILES', 'Metadata_Concentration', 'Metadata_pert_type', 'Metadata_MoA'],
    rows,
  );
}

/** A well as someone typed it: row letter in either case, column without zero padding. */
function sloppyWell(w: WellPlan, rng: Rng): string {
  const letter = String.fromCharCode(65 + w.row);
  return `${rng.next() < 0.5 ? letter.toLowerCase() : letter}${w.col + 1}`;
}

export function plainPlatemap(plates: PlatePlan[], rng: Rng): string {
  const rows = plates.flatMap((p) =>
    p.wells.map((w) => {
      const c = ident(w);
      return [p.name, sloppyWell(w, rng), c.id, c.name, c.smiles, w.concentration, w.compound ? '' : 'negcon', c.moa];
    }),
  );
  return toCsv(['plate', 'well', 'compound_id', 'compound_name', 'smiles', 'concentration_uM', 'control_type', 'moa'], rows);
}

export function plateMetadata(plates: PlatePlan[]): string {
  return toCsv(
    ['Metadata_Source', 'Metadata_Batch', 'Metadata_Plate', 'Metadata_Replicate'],
    plates.map((p) => [p.source, p.batch, p.name, p.replicate]),
  );
}
