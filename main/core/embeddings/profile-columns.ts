// Which column of a profile table plays which role (plate, well, compound, SMILES, control type …).
// Names are compared the way platemaps are read (platemap/table.ts `columnKey`): case-insensitive,
// without a `Metadata_` / `Image_Metadata_` prefix, so JUMP's `Metadata_JCP2022`, pycytominer's
// `Metadata_broad_sample`, CellProfiler's `Image_Metadata_Well` and a plain `well` all resolve; an
// explicit `--columns role=Header,…` wins over every guess.
import { columnKey, headerHint } from '../platemap/table.js';
import { InputError, type PertType } from '../types.js';

/** Candidates per role, most specific first (keys as `columnKey` gives them). */
export const ROLE_CANDIDATES = {
  plate: ['plate', 'assay_plate_barcode', 'plate_barcode', 'plate_name', 'plate_id'],
  well: ['well', 'well_position', 'well_name', 'wellname', 'well_id'],
  source: ['source', 'source_name', 'lab'],
  batch: ['batch', 'batch_name', 'batch_id', 'batch_number'],
  replicate: ['replicate', 'replicate_number', 'replicate_id'],
  compound: ['jcp2022', 'compound_id', 'broad_sample', 'compound', 'pert_id', 'broad_id', 'perturbation'],
  name: ['name', 'compound_name', 'pert_iname', 'pert_name', 'drug'],
  smiles: ['smiles', 'canonical_smiles', 'compound_smiles'],
  control: ['pert_type', 'control_type', 'well_type', 'perturbation_type', 'control'],
  moa: ['moa', 'mechanism', 'mechanism_of_action'],
  target: ['target', 'targets'],
  concentration: ['concentration', 'concentration_um', 'conc', 'conc_um', 'mmoles_per_liter', 'micromolar', 'dose', 'dose_um'],
} as const;

export type Role = keyof typeof ROLE_CANDIDATES;
const ROLES = Object.keys(ROLE_CANDIDATES) as Role[];

/**
 * Columns that tell rows of one well apart (sites, fields, objects): such tables are averaged per well.
 * pycytominer writes e.g. Metadata_Cells_Number_Object_Number. Not `cell_id`: LINCS uses
 * Metadata_cell_id for the cell line (A549).
 */
const PER_ROW_RE = /^(site|field|fov|site_number|image_?number|object_?number)$/;
/** Only as metadata: CellProfiler's `Cells_Number_Object_Number` is a per-well mean, a feature. */
const PER_ROW_META_RE = /^(image_)?metadata_(\w+_)?object_?number$/i;

export interface ColumnRoles {
  /** Column index per role (-1: not in the table). */
  index: Record<Role, number>;
  /** `control_type` when the table has it next to `pert_type` (JUMP: pert_type control + control_type negcon/poscon). */
  controlDetail: number;
  /** Per-site/per-object columns: several rows of a well are expected and averaged. */
  perRow: number[];
  /** Header per role, for messages and the import summary. */
  names: Record<Role, string | null>;
  /** Roles given with --columns. */
  explicit: Role[];
}

/** Parse `--columns well=Col,plate=Col2` into role → header. */
export function parseColumnsOption(spec: string | undefined): Partial<Record<Role, string>> {
  if (!spec?.trim()) return {};
  const out: Partial<Record<Role, string>> = {};
  for (const part of spec.split(',')) {
    const m = /^\s*([A-Za-z_]+)\s*=\s*(.+?)\s*$/.exec(part);
    if (!m) throw new InputError(`--columns: "${part}" is not ROLE=COLUMN (roles: ${ROLES.join(', ')})`);
    const role = m[1].toLowerCase() === 'pert_type' ? 'control' : (m[1].toLowerCase() as Role);
    if (!ROLES.includes(role)) throw new InputError(`--columns: unknown role "${m[1]}" (roles: ${ROLES.join(', ')})`);
    out[role] = m[2];
  }
  return out;
}

const ALL_CANDIDATES = new Set<string>(Object.values(ROLE_CANDIDATES).flat());

/**
 * Whether a header is that of a profile table: some column is metadata (`Metadata_…`) or has a role's
 * name. Only then do messages and previews show its column names: a page can name any file.
 */
export function looksLikeProfileTable(columns: string[]): boolean {
  return columns.some((c) => /^(image_)?metadata_/i.test(c) || ALL_CANDIDATES.has(columnKey(c)));
}

/** Assign roles to the header. `explicit` names must exist (exactly, else ignoring case). */
export function resolveColumnRoles(file: string, columns: string[], explicit: Partial<Record<Role, string>> = {}): ColumnRoles {
  const keys = columns.map(columnKey);
  const index = {} as Record<Role, number>;
  const taken = new Set<number>();
  for (const role of ROLES) {
    const want = explicit[role];
    if (want === undefined) continue;
    let i = columns.indexOf(want);
    if (i < 0) i = columns.findIndex((c) => c.toLowerCase() === want.toLowerCase());
    if (i < 0) throw new InputError(`${file}: --columns ${role}=${want}: no such column (${headerHint(columns, looksLikeProfileTable(columns))})`);
    index[role] = i;
    taken.add(i);
  }
  for (const role of ROLES) {
    if (index[role] !== undefined) continue;
    index[role] = -1;
    for (const cand of ROLE_CANDIDATES[role]) {
      const i = keys.findIndex((k, j) => k === cand && !taken.has(j));
      if (i >= 0) {
        index[role] = i;
        taken.add(i);
        break;
      }
    }
  }
  const detail = keys.findIndex((k, j) => k === 'control_type' && j !== index.control);
  const perRow = keys.flatMap((k, j) => ((PER_ROW_RE.test(k) || PER_ROW_META_RE.test(columns[j])) && !taken.has(j) ? [j] : []));
  const names = Object.fromEntries(ROLES.map((r) => [r, index[r] >= 0 ? columns[index[r]] : null])) as Record<Role, string | null>;
  return { index, controlDetail: detail, perRow, names, explicit: ROLES.filter((r) => explicit[r] !== undefined) };
}

const DMSO_SMILES = new Set(['CS(C)=O', 'C[S](C)=O', 'CS(=O)C', 'O=S(C)C']);

/**
 * A control-type cell as a perturbation type; '' → inferred (DMSO by id, name or SMILES → negcon;
 * a compound → trt; nothing → null); an unknown word → undefined (the caller refuses the row).
 */
export function pertTypeFrom(raw: string, compound: { id: string | null; name: string | null; smiles: string | null }): PertType | null | undefined {
  const p = raw.toLowerCase().replace(/[^a-z]/g, '');
  if (['negcon', 'negativecontrol', 'negative', 'control', 'ctrl', 'dmso', 'vehicle', 'negctrl'].includes(p)) return 'negcon';
  if (p.startsWith('poscon') || p.startsWith('positive')) return 'poscon';
  if (['empty', 'blank', 'untreated', 'none'].includes(p)) return 'empty';
  if (['trt', 'treatment', 'treated', 'compound', 'sample', 'cmpd', 'pert'].includes(p)) return 'trt';
  if (p) return undefined;
  const dmso = (s: string | null) => !!s && /^dmso$/i.test(s.trim());
  if (dmso(compound.id) || dmso(compound.name) || (compound.smiles && DMSO_SMILES.has(compound.smiles.trim()))) return 'negcon';
  return compound.id || compound.name || compound.smiles ? 'trt' : null;
}
