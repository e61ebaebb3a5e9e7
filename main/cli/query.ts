// `micon query`: wells like a well, a screened compound, or an unseen SMILES.
import fs from 'node:fs';
import { exportQueryResults } from '../core/search/export-results.js';
import { EXCLUSIONS, runQuery, type Exclusion, type QueryOptions, type QueryResult, type QueryTarget, type SearchHit } from '../core/search/query.js';
import { InputError } from '../core/types.js';
import { emit } from './output.js';
import { openCliProject } from './project.js';

export interface QueryCliOptions {
  db: string;
  compound?: string;
  smiles?: string;
  well?: string;
  k?: string;
  features?: string;
  exclude?: string;
  sources?: string;
  batches?: string;
  plates?: string;
  includeControls?: boolean;
  minConc?: string;
  maxConc?: string;
  out?: string;
  json?: boolean;
}

const list = (s: string | undefined) =>
  s === undefined
    ? undefined
    : s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);

function number(flag: string, s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const v = Number(s);
  if (s.trim() === '' || !Number.isFinite(v)) throw new InputError(`${flag} must be a number, got "${s}"`);
  return v;
}

function parseQueryArgs(o: QueryCliOptions): { target: QueryTarget; options: QueryOptions } {
  const given = [o.compound !== undefined && '--compound', o.smiles !== undefined && '--smiles', o.well !== undefined && '--well'].filter(Boolean);
  if (given.length !== 1) throw new InputError(given.length ? `give only one of ${given.join(', ')}` : 'say what to query: --compound NAME_OR_ID_OR_SMILES, --smiles SMILES or --well PLATE:WELL');
  const target: QueryTarget = o.compound !== undefined ? { kind: 'compound', compound: o.compound } : o.smiles !== undefined ? { kind: 'smiles', smiles: o.smiles } : { kind: 'well', well: o.well! };
  let k: number | undefined;
  if (o.k !== undefined) {
    k = Number(o.k);
    if (!/^\s*[+-]?\d+\s*$/.test(o.k) || !Number.isInteger(k) || k < 1) throw new InputError(`--k must be a positive whole number, got "${o.k}"`);
  }
  if (o.exclude !== undefined && !EXCLUSIONS.includes(o.exclude as Exclusion)) throw new InputError(`--exclude must be one of ${EXCLUSIONS.join(', ')}, got "${o.exclude}"`);
  return {
    target,
    options: {
      k,
      features: o.features,
      exclude: (o.exclude as Exclusion | undefined) ?? null,
      sources: list(o.sources),
      batches: list(o.batches),
      plates: list(o.plates),
      includeControls: !!o.includeControls,
      minConcentration: number('--min-conc', o.minConc),
      maxConcentration: number('--max-conc', o.maxConc),
    },
  };
}

const fmt = (x: number, d = 3) => x.toFixed(d);

function table(hits: SearchHit[]): string {
  if (!hits.length) return '  (no wells pass the filters)';
  const rows = hits.map((h) => [
    String(h.rank),
    `${h.plate}:${h.well}`,
    h.compoundName ?? h.compound ?? (h.pertType === 'negcon' ? 'DMSO' : '-'),
    h.concentration === null ? '' : String(h.concentration),
    h.source,
    h.batch,
    fmt(h.similarity),
    h.p < 0.001 ? h.p.toExponential(1) : fmt(h.p),
    h.isReplicate ? 'yes' : '',
  ]);
  const head = ['#', 'well', 'compound', 'conc', 'source', 'batch', 'cosine', 'p', 'replicate'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => '  ' + r.map((c, i) => (i >= 6 && i <= 7 ? c.padStart(width[i]) : c.padEnd(width[i]))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

function formatQuery(r: QueryResult): string {
  const q = r.query;
  const f = q.filters;
  const filters = [
    q.exclude ? `excluding ${q.exclude}` : '',
    f.sources ? `sources ${f.sources.join(',')}` : '',
    f.batches ? `batches ${f.batches.join(',')}` : '',
    f.plates ? `plates ${f.plates.join(',')}` : '',
    f.includeControls ? 'controls included' : 'treated wells only',
    f.minConcentration !== null || f.maxConcentration !== null ? `concentration ${f.minConcentration ?? '-∞'}..${f.maxConcentration ?? '∞'}` : '',
  ].filter(Boolean);
  const out = [
    `query (${q.kind}): ${q.description}`,
    `feature set ${q.featureSet}, top ${q.k}, ${filters.join(', ')}; searched ${r.index.wells} wells (${r.index.dim}-d, ${r.index.engine}) in ${r.index.searchMs} ms`,
  ];
  const ad = q.prediction?.applicability;
  if (ad?.nearest) out.push(`nearest training compound: ${ad.nearest.name ?? ad.nearest.compound} (Tanimoto ${ad.nearest.tanimoto.toFixed(2)}, of ${ad.trainingCompounds})`);
  for (const w of q.prediction?.warnings ?? []) out.push(`WARNING: ${w}`);
  if (q.kind === 'compound') out.push(`mean of its ${q.wells.length} well(s), each hit against the mean of the wells outside its own ${q.exclude ? q.exclude.slice(5) : 'well'}:`);
  out.push(table(r.results));
  for (const rep of r.replicates ?? []) out.push(`replicate ${rep.plate}:${rep.well} (${rep.source}/${rep.batch}):`, table(rep.results));
  out.push(`p: empirical, against ${q.null.controls} DMSO + ${q.null.treated} random treated wells`);
  return out.join('\n');
}

export async function runQueryCli(o: QueryCliOptions): Promise<void> {
  const { target, options } = parseQueryArgs(o);
  if (!fs.existsSync(o.db)) throw new InputError(`${o.db}: no such project file; run micon ingest first`);
  const db = openCliProject(o.db, { readOnlyOk: true });
  try {
    const r = await runQuery(db, target, options);
    const exported = o.out ? await exportQueryResults(r, o.out) : null;
    emit(!!o.json, exported ? { ...r, export: exported } : r, () =>
      formatQuery(r) + (exported ? `\nwrote ${exported.rows} rows to ${exported.file} (${exported.format})` : ''),
    );
  } finally {
    db.close();
  }
}
