// Query results as a table a notebook reads: pycytominer-style `Metadata_*` columns for the hit well,
// then the search's own columns. Replicate lists of a compound query follow the consensus list, told
// apart by `query_well`. Written to a temporary file and renamed, like every export.
import zlib from 'node:zlib';
import { InputError } from '../types.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { csvField, formatFloat32, tableFormatOf, type TableFormat } from '../embeddings/profile-table.js';
import type { QueryResult, SearchHit } from './query.js';

type Cell = string | number | boolean | null;
interface Column {
  name: string;
  type: 'STRING' | 'INT32' | 'DOUBLE' | 'BOOLEAN';
  get: (h: SearchHit, queryWell: string | null) => Cell;
}

const COLUMNS: Column[] = [
  { name: 'Metadata_Source', type: 'STRING', get: (h) => h.source },
  { name: 'Metadata_Batch', type: 'STRING', get: (h) => h.batch },
  { name: 'Metadata_Plate', type: 'STRING', get: (h) => h.plate },
  { name: 'Metadata_Well', type: 'STRING', get: (h) => h.well },
  { name: 'Metadata_Replicate', type: 'INT32', get: (h) => h.replicate },
  { name: 'Metadata_JCP2022', type: 'STRING', get: (h) => h.compound },
  { name: 'Metadata_Name', type: 'STRING', get: (h) => h.compoundName },
  { name: 'Metadata_SMILES', type: 'STRING', get: (h) => h.smiles },
  { name: 'Metadata_pert_type', type: 'STRING', get: (h) => h.pertType },
  { name: 'Metadata_MoA', type: 'STRING', get: (h) => h.moa },
  { name: 'Metadata_Concentration', type: 'DOUBLE', get: (h) => h.concentration },
  { name: 'query_well', type: 'STRING', get: (_h, q) => q },
  { name: 'rank', type: 'INT32', get: (h) => h.rank },
  { name: 'sites', type: 'INT32', get: (h) => h.sites },
  { name: 'similarity', type: 'DOUBLE', get: (h) => h.similarity },
  { name: 'p', type: 'DOUBLE', get: (h) => h.p },
  { name: 'is_replicate', type: 'BOOLEAN', get: (h) => h.isReplicate },
];

export async function exportQueryResults(r: QueryResult, out: string, format?: TableFormat): Promise<{ file: string; format: TableFormat; rows: number }> {
  const fmt = format ?? tableFormatOf(out);
  if (!fmt) throw new InputError(`${out}: cannot tell the format from the name; use .csv, .csv.gz or .parquet`);
  const rows: [SearchHit, string | null][] = [
    ...r.results.map((h): [SearchHit, string | null] => [h, null]),
    ...(r.replicates ?? []).flatMap((rep) => rep.results.map((h): [SearchHit, string | null] => [h, `${rep.plate}:${rep.well}`])),
  ];
  if (fmt === 'csv') {
    const cell = (v: Cell) => (v === null ? '' : typeof v === 'number' && !Number.isInteger(v) ? formatFloat32(v) : csvField(String(v)));
    const text = [COLUMNS.map((c) => c.name).join(','), ...rows.map(([h, q]) => COLUMNS.map((c) => cell(c.get(h, q))).join(','))].join('\n') + '\n';
    writeFileAtomic(out, out.toLowerCase().endsWith('.gz') ? zlib.gzipSync(text) : text);
  } else {
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const buf = parquetWriteBuffer({
      columnData: COLUMNS.map((c) => ({ name: c.name, type: c.type, data: rows.map(([h, q]) => c.get(h, q)) })),
      kvMetadata: [
        { key: 'micon.query', value: JSON.stringify({ kind: r.query.kind, description: r.query.description, featureSet: r.query.featureSet, k: r.query.k, exclude: r.query.exclude }) },
      ],
      createdBy: 'MICON Studio (hyparquet-writer)',
    });
    writeFileAtomic(out, new Uint8Array(buf));
  }
  return { file: out, format: fmt, rows: rows.length };
}
