import { tryNormaliseWell } from '../plates/wells.js';
import { InputError, type PertType, type Problem } from '../types.js';
import { headerHint, pick, readTable } from './table.js';

export interface PlatemapEntry {
  line: number;
  plate: string | null; // null: applies to every plate of the import
  well: string;
  compoundId: string | null;
  name: string | null;
  smiles: string | null;
  concentration: number | null;
  pertType: PertType;
  moa: string | null;
  target: string | null;
}

export interface Platemap {
  file: string;
  entries: PlatemapEntry[];
  problems: Problem[];
}

const DMSO_SMILES = new Set(['CS(C)=O', 'C[S](C)=O', 'CS(=O)C']);

// JUMP `Metadata_*` names first, then the plain names people type.
const COLS = {
  plate: ['plate', 'assay_plate_barcode', 'plate_barcode', 'barcode', 'plate_name'],
  well: ['well', 'well_position', 'well_name', 'address', 'wellname', 'well_id'],
  id: ['jcp2022', 'compound_id', 'broad_sample', 'compound', 'pert_id', 'id', 'treatment'],
  name: ['name', 'compound_name', 'pert_iname', 'pert_name', 'drug'],
  smiles: ['smiles', 'canonical_smiles', 'compound_smiles'],
  conc: ['concentration', 'concentration_um', 'conc', 'conc_um', 'mmoles_per_liter', 'dose', 'dose_um'],
  pert: ['pert_type', 'control_type', 'well_type', 'perturbation_type', 'control'],
  moa: ['moa', 'mechanism', 'mechanism_of_action'],
  target: ['target', 'targets'],
};

function pertTypeOf(raw: string, smiles: string | null, name: string | null, id: string | null): PertType | null {
  const p = raw.toLowerCase().replace(/[^a-z]/g, '');
  if (['negcon', 'negativecontrol', 'negative', 'control', 'ctrl', 'dmso', 'vehicle'].includes(p)) return 'negcon';
  if (['poscon', 'positivecontrol', 'positive'].includes(p)) return 'poscon';
  if (['empty', 'blank', 'none', 'untreated'].includes(p)) return 'empty';
  if (['trt', 'treatment', 'treated', 'compound', 'sample'].includes(p)) return 'trt';
  if (p) return null;
  if ((smiles && DMSO_SMILES.has(smiles.trim())) || /^dmso$/i.test(name ?? '') || /^dmso$/i.test(id ?? '')) return 'negcon';
  return 'trt';
}

/** Parse a platemap; rows that cannot be used become warnings naming the file and line. */
export function readPlatemap(file: string): Platemap {
  const { columns, rows } = readTable(file);
  const c = Object.fromEntries(Object.entries(COLS).map(([k, cands]) => [k, pick(columns, cands)])) as Record<keyof typeof COLS, string | undefined>;
  const hint = headerHint(columns, Object.values(c).some(Boolean));
  if (!c.well) throw new InputError(`${file}: no well column (expected Metadata_Well, well or well_position; ${hint})`);
  if (!c.id && !c.smiles && !c.name) {
    throw new InputError(`${file}: no compound column (expected Metadata_JCP2022, compound_id, Metadata_SMILES, smiles or name; ${hint})`);
  }
  const problems: Problem[] = [];
  const entries: PlatemapEntry[] = [];
  const seen = new Map<string, number>();
  let undoubled = 0;
  for (const r of rows) {
    const v = (k: string | undefined) => (k && r.values[k] ? r.values[k] : null);
    const rawWell = v(c.well);
    const well = rawWell ? tryNormaliseWell(rawWell) : null;
    if (!well) {
      problems.push({ file, row: r.line, message: `line ${r.line}: "${rawWell ?? ''}" is not a well name; row skipped`, severity: 'warning' });
      continue;
    }
    const plate = v(c.plate);
    const key = `${plate ?? '*'}:${well}`;
    if (seen.has(key)) {
      problems.push({ file, row: r.line, well, message: `line ${r.line}: well ${well}${plate ? ` of plate ${plate}` : ''} already given on line ${seen.get(key)}; row skipped`, severity: 'warning' });
      continue;
    }
    seen.set(key, r.line);
    const rawSmiles = v(c.smiles);
    // CellProfiler-written LoadData CSVs (BBBC022's) escape every backslash ("/C=C(\\C)/"); "\\" is never
    // valid SMILES (two bond symbols in a row), so a doubled one is read as one, with one note per file.
    const smiles = rawSmiles?.includes('\\\\') ? rawSmiles.replace(/\\\\/g, '\\') : rawSmiles;
    if (smiles !== rawSmiles && !undoubled++) {
      problems.push({ file, row: r.line, message: `line ${r.line}: SMILES with doubled backslashes ("\\\\"), as CellProfiler writes them; read as single ones in every row`, severity: 'warning' });
    }
    const name = v(c.name);
    let compoundId = v(c.id);
    const pertType = pertTypeOf(v(c.pert) ?? '', smiles, name, compoundId);
    if (!pertType) {
      problems.push({ file, row: r.line, well, message: `line ${r.line}: unknown control type "${v(c.pert)}" (use trt, negcon, poscon or empty); row skipped`, severity: 'warning' });
      continue;
    }
    if (pertType === 'negcon' && !compoundId) compoundId = 'DMSO';
    const concRaw = v(c.conc);
    const concentration = concRaw === null ? null : Number(concRaw);
    if (concRaw !== null && !Number.isFinite(concentration)) {
      problems.push({ file, row: r.line, well, message: `line ${r.line}: concentration "${concRaw}" is not a number; left empty`, severity: 'warning' });
    }
    if (pertType === 'trt' && !compoundId && !smiles && !name) {
      problems.push({ file, row: r.line, well, message: `line ${r.line}: treated well ${well} names no compound; row skipped`, severity: 'warning' });
      continue;
    }
    entries.push({
      line: r.line,
      plate,
      well,
      compoundId: compoundId ?? name ?? null,
      name,
      smiles,
      concentration: concentration !== null && Number.isFinite(concentration) ? concentration : null,
      pertType,
      moa: v(c.moa),
      target: v(c.target),
    });
  }
  return { file, entries, problems };
}

/** Entries for one plate: rows naming that plate, else the rows with no plate column. */
export function entriesForPlate(map: Platemap, plate: string): PlatemapEntry[] {
  const own = map.entries.filter((e) => e.plate === plate);
  return own.length ? own : map.entries.filter((e) => e.plate === null);
}
