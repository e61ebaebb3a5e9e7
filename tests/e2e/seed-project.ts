// A small project written by direct SQL, so the UI can be developed and tested before the demo
// generator and ingest exist. Shapes follow what ingest writes (0-based row/col, 'uM', 'negcon').
import path from 'node:path';
import sharp from 'sharp';
import { openProject, type DB } from '../../main/core/db/open.js';

const COMPOUNDS = [
  { id: 'CPD-0001', name: 'Staurosporine', smiles: 'CNC1CC2OC(C)(C1OC)N1C3=CC=CC=C3C3=C4CNC(=O)C4=C4C5=CC=CC=C5N2C4=C31', moa: 'PKC inhibitor' },
  { id: 'CPD-0002', name: 'Nocodazole', smiles: 'COC(=O)NC1=NC2=CC(=CC=C2N1)C(=O)C1=CC=CS1', moa: 'tubulin polymerization inhibitor' },
  { id: 'CPD-0003', name: 'Paclitaxel', smiles: 'CC(=O)OC1C(=O)C2(C)C(O)CC3OCC3(OC(C)=O)C2C(OC(=O)c2ccccc2)C2(O)CC(OC(=O)C(O)C(NC(=O)c3ccccc3)c3ccccc3)C(C)=C1C2(C)C', moa: 'tubulin stabilizer' },
  { id: 'CPD-0004', name: 'Rapamycin', smiles: null, moa: 'mTOR inhibitor' },
  { id: 'CPD-0005', name: 'Brefeldin A', smiles: 'CC1CCCC=CC2CC(O)CC2C(O)C=CC(=O)O1', moa: 'ARF inhibitor' },
  { id: 'CPD-0006', name: 'Cytochalasin D', smiles: 'CC1CC=CC2C(O)C(=C)C(C)C3C(CC4=CC=CC=C4)NC(=O)C23OC(=O)C=CC(C)(O)C1=O', moa: 'actin polymerization inhibitor' },
  { id: 'CPD-0007', name: 'Tetrandrine', smiles: null, moa: 'calcium channel blocker' },
  { id: 'CPD-0008', name: 'Aspirin', smiles: 'CC(=O)OC1=CC=CC=C1C(O)=O', moa: 'cyclooxygenase inhibitor' },
];
const CONCS = [0.1, 1, 10];

const CHANNELS_IX = [
  ['DNA', 'w1', 'DAPI'],
  ['ER', 'w2', 'FITC'],
  ['RNA', 'w3', 'Cy3'],
  ['AGP', 'w4', 'TexasRed'],
  ['Mito', 'w5', 'Cy5'],
];
const CHANNELS_PHENIX = [
  ['DNA', 'ch1', 'HOECHST 33342'],
  ['ER', 'ch2', 'Alexa 488'],
  ['RNA', 'ch3', 'Alexa 568 (SYTO 14)'],
  ['AGP', 'ch4', 'Alexa 568 (Phalloidin/WGA)'],
  ['Mito', 'ch5', 'MitoTracker Deep Red'],
];
const CHANNELS_CV = [
  ['DNA', 'C01', 'BP445/45'],
  ['ER', 'C02', 'BP525/50'],
  ['RNA', 'C03', 'BP600/37'],
  ['AGP', 'C04', 'BP600/37 (AGP)'],
  ['Mito', 'C05', 'BP676/29'],
];

interface PlateSpec {
  name: string;
  source: string;
  batch: string;
  replicate: number;
  layout: string;
  rows: number;
  cols: number;
  /** 0-based inclusive bounds of the wells that hold data. */
  r0: number;
  r1: number;
  c0: number;
  c1: number;
  sites: number;
  imageSize: number;
  pixelSizeUm: number;
  bitDepth: number;
  channels: string[][];
  controlCols: number[];
}

const PLATES: PlateSpec[] = [
  { name: 'BR00117010', source: 'source_1', batch: '2021_05_31_Batch1', replicate: 1, layout: 'imagexpress', rows: 8, cols: 12, r0: 0, r1: 7, c0: 0, c1: 11, sites: 4, imageSize: 1080, pixelSizeUm: 0.656, bitDepth: 12, channels: CHANNELS_IX, controlCols: [0, 11] },
  { name: 'BR00117011', source: 'source_1', batch: '2021_05_31_Batch1', replicate: 2, layout: 'imagexpress', rows: 8, cols: 12, r0: 0, r1: 7, c0: 0, c1: 11, sites: 4, imageSize: 1080, pixelSizeUm: 0.656, bitDepth: 12, channels: CHANNELS_IX, controlCols: [0, 11] },
  { name: 'BR00117012', source: 'source_1', batch: '2021_06_14_Batch2', replicate: 3, layout: 'imagexpress', rows: 8, cols: 12, r0: 0, r1: 7, c0: 0, c1: 11, sites: 4, imageSize: 1080, pixelSizeUm: 0.656, bitDepth: 12, channels: CHANNELS_IX, controlCols: [0, 11] },
  // Data starts at B02: the outer ring of a 384-well plate is often left empty against edge effects.
  { name: 'GR00004417', source: 'source_7', batch: '20210719_Run1', replicate: 1, layout: 'phenix', rows: 16, cols: 24, r0: 1, r1: 14, c0: 1, c1: 22, sites: 2, imageSize: 2160, pixelSizeUm: 0.598, bitDepth: 16, channels: CHANNELS_PHENIX, controlCols: [1, 22] },
  // 1536-well: two-letter rows (AA…AF) and 48 columns, the densest format the grid must draw.
  { name: 'CV00000831', source: 'source_9', batch: '2022_01_12_HTS', replicate: 1, layout: 'cellvoyager', rows: 32, cols: 48, r0: 0, r1: 31, c0: 0, c1: 47, sites: 1, imageSize: 2000, pixelSizeUm: 0.325, bitDepth: 16, channels: CHANNELS_CV, controlCols: [0, 47] },
];

function rowLetter(r: number): string {
  return r < 26 ? String.fromCharCode(65 + r) : `A${String.fromCharCode(65 + r - 26)}`;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Cell Painting-looking false-colour thumbnail: blue nuclei in green/red cytoplasm. */
async function thumbnail(seed: number, cells: number, spread: number): Promise<Buffer> {
  const size = 64;
  const rand = rng(seed);
  const rgb = new Float32Array(size * size * 3);
  for (let k = 0; k < cells; k++) {
    const cx = rand() * size;
    const cy = rand() * size;
    const rn = 3 + rand() * 2;
    const rc = rn * spread;
    for (let y = Math.max(0, Math.floor(cy - rc)); y < Math.min(size, Math.ceil(cy + rc)); y++) {
      for (let x = Math.max(0, Math.floor(cx - rc)); x < Math.min(size, Math.ceil(cx + rc)); x++) {
        const d = Math.hypot(x - cx, y - cy);
        const i = (y * size + x) * 3;
        if (d < rn) rgb[i + 2] += 0.9 * (1 - d / rn / 2);
        if (d < rc) {
          rgb[i + 1] += 0.35 * (1 - d / rc);
          rgb[i] += (d > rc * 0.7 ? 0.5 : 0.15) * (1 - d / rc / 2);
        }
      }
    }
  }
  const out = Buffer.alloc(size * size * 3);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(255, Math.round(255 * rgb[i]));
  return sharp(out, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
}

function insertCompounds(db: DB): Map<string, number> {
  const ins = db.prepare('INSERT INTO compounds (compound_id, name, smiles, canonical_smiles, moa, is_control) VALUES (?, ?, ?, ?, ?, ?)');
  const ids = new Map<string, number>();
  ids.set('DMSO', Number(ins.run('DMSO', 'DMSO', 'CS(C)=O', 'CS(C)=O', null, 1).lastInsertRowid));
  for (const c of COMPOUNDS) ids.set(c.id, Number(ins.run(c.id, c.name, c.smiles, c.smiles, c.moa, 0).lastInsertRowid));
  return ids;
}

async function insertPlate(db: DB, p: PlateSpec, compoundIds: Map<string, number>, thumbs: Buffer[]): Promise<void> {
  const sourceId = Number(db.prepare('INSERT INTO sources (name) VALUES (?) ON CONFLICT(name) DO UPDATE SET name = name RETURNING id').pluck().get(p.source));
  const batchId = Number(
    db.prepare('INSERT INTO batches (source_id, name) VALUES (?, ?) ON CONFLICT(source_id, name) DO UPDATE SET name = name RETURNING id').pluck().get(sourceId, p.batch),
  );
  const channelMap = Object.fromEntries(p.channels.map(([n, raw]) => [raw, n]));
  const plateId = Number(
    db
      .prepare(
        `INSERT INTO plates (name, batch_id, replicate, layout, folder, rows, cols, image_width, image_height, pixel_size_um, bit_depth,
                             channel_map, cache_size, channel_scale, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 128, '{}', ?)`,
      )
      .run(p.name, batchId, p.replicate, p.layout, `/data/${p.source}/${p.batch}/${p.name}`, p.rows, p.cols, p.imageSize, p.imageSize, p.pixelSizeUm, p.bitDepth, JSON.stringify(channelMap), new Date().toISOString())
      .lastInsertRowid,
  );
  const insChan = db.prepare('INSERT INTO channels (plate_id, name, raw_id, instrument_name) VALUES (?, ?, ?, ?)');
  for (const [n, raw, inst] of p.channels) insChan.run(plateId, n, raw, inst);
  const insWell = db.prepare('INSERT INTO wells (plate_id, well, row, col, compound_id, concentration, concentration_unit, pert_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insSite = db.prepare('INSERT INTO sites (well_id, site, qc_focus, qc_saturation, qc_foreground, qc_flags) VALUES (?, ?, ?, ?, ?, ?)');
  const insThumb = db.prepare('INSERT INTO well_thumbnails (well_id, png) VALUES (?, ?)');
  let k = 0;
  for (let r = p.r0; r <= p.r1; r++) {
    for (let c = p.c0; c <= p.c1; c++, k++) {
      const control = p.controlCols.includes(c);
      const cpd = COMPOUNDS[(k + p.replicate) % COMPOUNDS.length];
      const conc = control ? null : CONCS[(r + c) % CONCS.length];
      const well = `${rowLetter(r)}${String(c + 1).padStart(2, '0')}`;
      const wellId = Number(
        insWell.run(plateId, well, r, c, compoundIds.get(control ? 'DMSO' : cpd.id), conc, conc === null ? null : 'uM', control ? 'negcon' : 'trt').lastInsertRowid,
      );
      for (let s = 1; s <= p.sites; s++) {
        const flag = (k * 7 + s) % 53 === 0 ? 'blur' : (k * 11 + s) % 97 === 0 ? 'saturated' : '';
        insSite.run(wellId, s, 1, 0.0001, 0.3, flag);
      }
      const t = control ? 0 : 1 + (COMPOUNDS.indexOf(cpd) % (thumbs.length - 1));
      insThumb.run(wellId, thumbs[t]);
    }
  }
}

/** Create `dir/project.micon` holding the seed screen; returns the project file's path. */
export async function makeProject(dir: string): Promise<string> {
  const file = path.join(dir, 'project.micon');
  const db = openProject(file);
  try {
    const thumbs = await Promise.all([
      thumbnail(1, 14, 1.8),
      ...COMPOUNDS.map((_, i) => thumbnail(100 + i, 6 + ((i * 5) % 14), 1.4 + (i % 4) * 0.5)),
    ]);
    const compoundIds = insertCompounds(db);
    db.exec('BEGIN');
    for (const p of PLATES) await insertPlate(db, p, compoundIds, thumbs);
    db.exec('COMMIT');
  } finally {
    db.close();
  }
  return file;
}
