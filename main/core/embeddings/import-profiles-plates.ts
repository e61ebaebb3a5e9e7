// `import-profiles --create-plates`: the plates, wells, compounds, batches and sources a profile table
// describes in its metadata columns, collected while its rows stream by (one record per well, one per
// compound — never per row) and written inside the import's transaction.
//
// - Consistency is checked as rows arrive: a plate in two batches, a well given twice (in a table with
//   no site/object column) or with two compounds, a compound with two structures — each refused
//   with both lines named.
// - SMILES may come from the table or a side table (`--compounds FILE`, joined on compound id, else
//   name); ChemAxon extensions (` |c:13,t:11|`) are read; a compound without a (valid) structure is
//   imported and searchable, only left out of the molecule side of training.
import fs from 'node:fs';
import path from 'node:path';
import { quoteSmiles } from '../chem/limits.js';
import { canonicalSmiles, smilesProblem } from '../chem/rdkit.js';
import type { DB } from '../db/open.js';
import { upsertCompound, type ResolvedCompound } from '../ingest/compounds.js';
import { columnKey, headerHint, readTable } from '../platemap/table.js';
import { plateFormat, wellPosition } from '../plates/wells.js';
import { InputError, type PertType, type Problem } from '../types.js';
import type { Cell } from './profile-table.js';
import { pertTypeFrom, ROLE_CANDIDATES, type ColumnRoles } from './profile-columns.js';

const DEFAULT_SOURCE = 'default';
const DEFAULT_BATCH = 'default';
/** `plates.layout` of a plate created from a profile table: it has no images. */
const PROFILES_LAYOUT = 'profiles';

interface PlateRec {
  source: string;
  batch: string;
  replicate: number | null;
  line: string;
}

interface WellRec {
  compound: string | null;
  concentration: number | null;
  pertType: PertType | null;
  line: string;
  rows: number;
}

interface CompoundRec {
  name: string | null;
  moa: string | null;
  target: string | null;
  /** Raw SMILES as written → the first place it was seen. */
  smiles: Map<string, string>;
  negcon: boolean;
}

export interface CreatedPlates {
  plates: number;
  wells: number;
  compounds: number;
  /** Compounds with a structure (valid SMILES): the molecule side of training can use these. */
  compoundsWithSmiles: number;
  /** Compounds imported without a structure (none given, or not parseable). */
  compoundsWithoutSmiles: string[];
  /** Negative-control (DMSO) wells. */
  controlWells: number;
  sources: string[];
  batches: string[];
  /** Plates that were already in the project (their wells and annotations kept). */
  existingPlates: string[];
  /** Side-table (`--compounds`) rows that matched a compound of the table. */
  sideTableMatches: number | null;
  /** The compounds table joined, and whether it was given or found next to the profile table. */
  compoundsTable: { file: string; how: 'given' | 'found next to the table' } | null;
  /** What was assumed where the table says nothing. */
  defaults: string[];
}

const text = (v: Cell): string => (v === null || v === undefined ? '' : typeof v === 'number' && Number.isInteger(v) ? String(v) : String(v).trim());
const MISSING = new Set(['', 'nan', 'na', 'n/a', 'null', 'none']);

export class PlateCollector {
  private plates = new Map<string, PlateRec>();
  /** plate → well → record. */
  private wells = new Map<string, Map<string, WellRec>>();
  private compounds = new Map<string, CompoundRec>();
  private concUnit: string | null;

  constructor(
    private file: string,
    private columns: string[],
    private roles: ColumnRoles,
    private problems: Problem[],
  ) {
    const k = roles.names.concentration ? columnKey(roles.names.concentration) : '';
    this.concUnit = /_um$|micromolar/.test(k) ? 'uM' : k === 'mmoles_per_liter' ? 'mmol/L' : null;
  }

  private cell(values: Cell[], i: number): string | null {
    if (i < 0) return null;
    const s = text(values[i]);
    return MISSING.has(s.toLowerCase()) ? null : s;
  }

  private where(where: string, i: number): string {
    return `${this.file}: ${where}, column "${this.columns[i]}"`;
  }

  /** One data row of well `well` on plate `plate` (already resolved). */
  add(where: string, values: Cell[], plate: string, well: string): void {
    const ix = this.roles.index;
    const source = this.cell(values, ix.source) ?? DEFAULT_SOURCE;
    const batch = this.cell(values, ix.batch) ?? DEFAULT_BATCH;
    const repRaw = this.cell(values, ix.replicate);
    const replicate = repRaw === null ? null : Number(repRaw.replace(/^[^\d-]+/, ''));
    if (replicate !== null && !Number.isInteger(replicate)) throw new InputError(`${this.where(where, ix.replicate)}: replicate "${repRaw}" is not a whole number`);
    const p = this.plates.get(plate);
    if (!p) this.plates.set(plate, { source, batch, replicate, line: where });
    else if (p.source !== source || p.batch !== batch) {
      throw new InputError(`${this.file}: plate ${plate} is in ${p.source}/${p.batch} on ${p.line} but in ${source}/${batch} on ${where} (source/batch); a plate belongs to one batch`);
    }

    const id = this.cell(values, ix.compound);
    const name = this.cell(values, ix.name);
    const smiles = this.cell(values, ix.smiles);
    const detail = this.cell(values, this.roles.controlDetail);
    const ctlRaw = detail ?? this.cell(values, ix.control) ?? '';
    const pertType = pertTypeFrom(ctlRaw, { id, name, smiles });
    if (pertType === undefined) {
      throw new InputError(
        `${this.where(where, detail ? this.roles.controlDetail : ix.control)}: unknown control type "${ctlRaw}" (known: trt, negcon/control/DMSO, poscon, empty); map the column with --columns control=COLUMN or fix the value`,
      );
    }
    let compound = id ?? name ?? smiles;
    if (pertType === 'negcon' && !compound) compound = 'DMSO';
    const concRaw = this.cell(values, ix.concentration);
    const concentration = concRaw === null ? null : Number(concRaw);
    if (concRaw !== null && !Number.isFinite(concentration)) throw new InputError(`${this.where(where, ix.concentration)}: concentration "${concRaw}" is not a number`);

    let pw = this.wells.get(plate);
    if (!pw) this.wells.set(plate, (pw = new Map()));
    const w = pw.get(well);
    if (!w) pw.set(well, { compound, concentration, pertType, line: where, rows: 1 });
    else {
      if (!this.roles.perRow.length) {
        throw new InputError(
          `${this.file}: well ${well} of plate ${plate} appears twice (${w.line} and ${where}; columns "${this.roles.names.plate}", "${this.roles.names.well}"); a table with one row per well must not repeat a well (per-site or per-cell tables need a Metadata_Site or ObjectNumber column)`,
        );
      }
      if (w.compound !== compound || w.concentration !== concentration || w.pertType !== pertType) {
        throw new InputError(
          `${this.file}: well ${well} of plate ${plate} is ${describe(w)} on ${w.line} but ${describe({ compound, concentration, pertType })} on ${where}`,
        );
      }
      w.rows++;
    }
    if (!compound) return;
    let c = this.compounds.get(compound);
    if (!c) this.compounds.set(compound, (c = { name: null, moa: null, target: null, smiles: new Map(), negcon: false }));
    c.name ??= name;
    c.moa ??= this.cell(values, ix.moa);
    c.target ??= this.cell(values, ix.target);
    if (pertType === 'negcon') c.negcon = true;
    if (smiles && !c.smiles.has(smiles) && c.smiles.size < 8) c.smiles.set(smiles, `${this.file}: ${where}`);
  }

  get plateNames(): string[] {
    return [...this.plates.keys()];
  }

  /**
   * SMILES of the side table joined in, every structure canonicalised; a compound with two
   * different structures is refused naming both places.
   */
  async resolve(compoundsFile?: string): Promise<{ compounds: Map<string, ResolvedCompound>; sideTableMatches: number | null }> {
    let sideTableMatches: number | null = null;
    if (compoundsFile) sideTableMatches = this.joinSideTable(compoundsFile);
    const out = new Map<string, ResolvedCompound>();
    for (const [id, c] of this.compounds) {
      let chosen: { raw: string; canon: string; at: string } | null = null;
      for (const [raw, at] of c.smiles) {
        const canon = await canonicalSmiles(raw);
        if (!canon) {
          this.problems.push({ file: this.file, message: `${at}: SMILES ${quoteSmiles(raw)} of ${id} is not a valid structure (${smilesProblem(raw)}); ${id} is imported without it`, severity: 'warning' });
          continue;
        }
        if (chosen && chosen.canon !== canon) {
          throw new InputError(`compound ${id} is given two different structures: "${chosen.raw}" (${chosen.at}) and "${raw}" (${at}); one compound id must have one structure`);
        }
        chosen ??= { raw, canon, at };
      }
      out.set(id, {
        compoundId: id,
        name: c.name,
        smiles: chosen?.raw ?? null,
        canonicalSmiles: chosen?.canon ?? null,
        moa: c.moa,
        target: c.target,
        isControl: c.negcon,
      });
    }
    return { compounds: out, sideTableMatches };
  }

  /** `--compounds FILE`: name, SMILES, MoA, target per compound id (else name). Returns the rows that matched. */
  private joinSideTable(file: string): number {
    const { columns, rows } = readTable(file);
    const pick = (cands: readonly string[]) => cands.find((c) => columns.includes(c));
    const idCol = pick(ROLE_CANDIDATES.compound);
    const nameCol = pick(ROLE_CANDIDATES.name) ?? (columns.includes('lookup_name') ? 'lookup_name' : undefined);
    const smilesCol = pick(ROLE_CANDIDATES.smiles);
    const hint = headerHint(columns, !!(idCol || nameCol || smilesCol));
    if (!idCol && !nameCol) throw new InputError(`${file}: no compound id or name column to join on (expected e.g. Metadata_JCP2022, compound, broad_sample, pert_iname; ${hint})`);
    if (!smilesCol) throw new InputError(`${file}: no SMILES column (expected smiles or Metadata_SMILES; ${hint})`);
    const moaCol = pick(ROLE_CANDIDATES.moa);
    const targetCol = pick(ROLE_CANDIDATES.target);
    const byName = new Map<string, string>();
    for (const [id, c] of this.compounds) {
      byName.set(id.toLowerCase(), id);
      if (c.name) byName.set(c.name.toLowerCase(), id);
    }
    let matched = 0;
    for (const r of rows) {
      const key = (idCol && r.values[idCol]) || '';
      const nm = (nameCol && r.values[nameCol]) || '';
      const id = (key && this.compounds.has(key) ? key : undefined) ?? byName.get(key.toLowerCase()) ?? (nm ? byName.get(nm.toLowerCase()) : undefined);
      if (!id) continue;
      matched++;
      const c = this.compounds.get(id)!;
      const smiles = r.values[smilesCol];
      if (smiles && !c.smiles.has(smiles)) c.smiles.set(smiles, `${file}: line ${r.line}`);
      if (nameCol && nameCol !== 'lookup_name') c.name ??= r.values[nameCol] || null;
      if (moaCol) c.moa ??= r.values[moaCol] || null;
      if (targetCol) c.target ??= r.values[targetCol] || null;
    }
    return matched;
  }

  /** Write sources, batches, plates, wells and compounds. Call inside the import's transaction. */
  write(db: DB, compounds: Map<string, ResolvedCompound>, sideTableMatches: number | null, compoundsTable: CreatedPlates['compoundsTable'] = null): CreatedPlates {
    const compoundIds = new Map<string, number>();
    for (const c of compounds.values()) compoundIds.set(c.compoundId, upsertCompound(db, c));
    const existingPlates: string[] = [];
    let wells = 0;
    let controlWells = 0;
    const now = new Date().toISOString();
    const insWell = db.prepare('INSERT INTO wells (plate_id, well, row, col, compound_id, concentration, concentration_unit, pert_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (const [plate, p] of this.plates) {
      const pw = this.wells.get(plate)!;
      const existing = db.prepare('SELECT id FROM plates WHERE name = ?').get(plate) as { id: number } | undefined;
      let plateId: number;
      if (existing) {
        existingPlates.push(plate);
        plateId = existing.id;
      } else {
        db.prepare('INSERT OR IGNORE INTO sources (name) VALUES (?)').run(p.source);
        const sourceId = (db.prepare('SELECT id FROM sources WHERE name = ?').get(p.source) as { id: number }).id;
        db.prepare('INSERT OR IGNORE INTO batches (source_id, name) VALUES (?, ?)').run(sourceId, p.batch);
        const batchId = (db.prepare('SELECT id FROM batches WHERE source_id = ? AND name = ?').get(sourceId, p.batch) as { id: number }).id;
        const fmt = plateFormat([...pw.keys()]);
        plateId = Number(
          db
            .prepare(
              `INSERT INTO plates (name, batch_id, replicate, layout, folder, rows, cols, channel_map, cache_size, channel_scale, ingested_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, '{}', 0, '{}', ?)`,
            )
            .run(plate, batchId, p.replicate, PROFILES_LAYOUT, path.resolve(this.file), fmt.rows, fmt.cols, now).lastInsertRowid,
        );
      }
      const have = new Map(
        (db.prepare('SELECT w.well, c.compound_id AS compound FROM wells w LEFT JOIN compounds c ON c.id = w.compound_id WHERE w.plate_id = ?').all(plateId) as { well: string; compound: string | null }[]).map(
          (r) => [r.well, r.compound],
        ),
      );
      for (const [well, w] of pw) {
        if (w.pertType === 'negcon') controlWells++;
        if (have.has(well)) {
          if (have.get(well) !== w.compound) {
            this.problems.push({
              file: this.file,
              well,
              message: `${w.line}: plate ${plate} well ${well} is ${w.compound ?? 'without compound'} in the table but ${have.get(well) ?? 'without compound'} in the project; the project's annotation is kept`,
              severity: 'warning',
            });
          }
          continue;
        }
        const pos = wellPosition(well);
        insWell.run(plateId, well, pos.row, pos.col, w.compound ? compoundIds.get(w.compound)! : null, w.concentration, w.concentration !== null ? this.concUnit : null, w.pertType);
        wells++;
      }
    }
    const all = [...compounds.values()].filter((c) => !c.isControl);
    const defaults: string[] = [];
    if (this.roles.index.source < 0) defaults.push(`no source column: every plate is in source "${DEFAULT_SOURCE}"`);
    if (this.roles.index.batch < 0) defaults.push(`no batch column: every plate is in batch "${DEFAULT_BATCH}" (controls come from the same plate first, so this only matters for cross-batch evaluation)`);
    if (this.roles.index.control < 0) defaults.push('no control-type column: wells of DMSO (by compound id, name or SMILES CS(C)=O) are the negative controls, others treated');
    if (!controlWells) {
      this.problems.push({ file: this.file, message: 'no negative-control (DMSO) wells: profiles are normalised against all wells of each plate, and MICON cannot train here', severity: 'warning' });
    }
    return {
      plates: this.plates.size - existingPlates.length,
      wells,
      compounds: compounds.size,
      compoundsWithSmiles: [...compounds.values()].filter((c) => c.canonicalSmiles).length,
      compoundsWithoutSmiles: all.filter((c) => !c.canonicalSmiles).map((c) => c.compoundId).sort(),
      controlWells,
      sources: [...new Set([...this.plates.values()].map((p) => p.source))].sort(),
      batches: [...new Set([...this.plates.values()].map((p) => p.batch))].sort(),
      existingPlates,
      sideTableMatches,
      compoundsTable,
      defaults,
    };
  }
}

/**
 * A compounds table next to a profile table (the way public data sets ship SMILES apart from profiles):
 * the one CSV/TSV in the same folder whose header has a SMILES column and a compound id or name
 * column. None, or more than one, → null (pass --compounds FILE).
 */
export function findCompoundsTable(profileFile: string): string | null {
  const dir = path.dirname(path.resolve(profileFile));
  const self = path.resolve(profileFile);
  const hits: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const f = path.join(dir, name);
    if (f === self || !/\.(csv|tsv|txt)$/i.test(name)) continue;
    let head: string;
    try {
      const fd = fs.openSync(f, 'r');
      try {
        const b = Buffer.alloc(8192);
        head = b.toString('utf8', 0, fs.readSync(fd, b, 0, b.length, 0)).split(/\r?\n/, 1)[0];
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      continue;
    }
    const keys = head.split(head.includes('\t') ? '\t' : ',').map((c) => columnKey(c.replace(/^"|"$/g, '')));
    const has = (cands: readonly string[]) => cands.some((c) => keys.includes(c));
    if (has(ROLE_CANDIDATES.smiles) && (has(ROLE_CANDIDATES.compound) || has(ROLE_CANDIDATES.name))) hits.push(f);
  }
  return hits.length === 1 ? hits[0] : null;
}

function describe(w: { compound: string | null; concentration: number | null; pertType: PertType | null }): string {
  return `${w.compound ?? 'no compound'}${w.concentration !== null ? ` at ${w.concentration}` : ''}${w.pertType ? ` (${w.pertType})` : ''}`;
}
