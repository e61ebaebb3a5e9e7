// "Wells like a compound nobody screened": MICON's counterfactual generator G predicts what control
// cells would look like after the compound, G(control embedding, molecule embedding). We run it on
// every DMSO site of the screen, average the predictions per control well (as real wells are averaged
// from their sites), push those predicted wells through exactly the normalisation the stored profiles
// went through — their plate's robust MAD against its DMSO wells, then the feature set's stored ZCA —
// and average them into one query profile.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { morganFingerprint } from '../chem/fingerprint.js';
import type { DB } from '../db/open.js';
import { setNormalization } from '../embeddings/normalization.js';
import { featureSets, loadWellProfiles, wellInfo, type FeatureSetInfo } from '../feature-sets/store.js';
import { selectBackend } from '../ml/backend.js';
import { decodeCheckpoint, loadLatestCheckpoint, type Checkpoint, type TensorData } from '../ml/checkpoint.js';
import type { MiconConfig } from '../ml/config.js';
import { createModel, disposeModel, generate, loadParamData, moleculeEmbed } from '../ml/model.js';
import { createMatrix, type Matrix } from '../profiles/matrix.js';
import { applyMad, applySphering, madNormalize, type PlateMadParams, type SpheringTransform } from '../profiles/normalize.js';
import type { WellMeta } from '../profiles/well-meta.js';
import { InputError } from '../types.js';

export interface MiconModelRow {
  id: number;
  name: string;
  kind: string;
  config: MiconConfig;
  checkpoint: string | null;
  step: number;
  /** The split it was trained under (its held-out compounds were never seen). */
  splitId: number | null;
}

/** The trained micon-objective model behind a feature set, or null when the set is not one. */
export function miconModelOf(db: DB, fs: FeatureSetInfo): MiconModelRow | null {
  if (fs.modelId === null || fs.kind !== 'model') return null;
  const r = db.prepare("SELECT id, name, kind, config, checkpoint, step, split_id AS splitId FROM models WHERE id = ? AND status = 'trained'").get(fs.modelId) as
    | { id: number; name: string; kind: string; config: string; checkpoint: string | null; step: number; splitId: number | null }
    | undefined;
  if (!r) return null;
  const config = JSON.parse(r.config) as MiconConfig;
  if (r.kind !== 'micon' || config.model !== 'micon') return null;
  // `<model>+handcrafted` carries the model's id too, but its vectors are not the generator's space.
  if (fs.name !== r.name) return null;
  return { ...r, config };
}

/** Feature sets a SMILES query can search: embeddings of a trained micon model (it has the generator). */
export function smilesFeatureSets(db: DB): FeatureSetInfo[] {
  return featureSets(db).filter((f) => miconModelOf(db, f) !== null);
}

function loadParams(m: MiconModelRow): { tensors: Record<string, TensorData>; step: number; file: string } {
  let ck: (Checkpoint & { file: string }) | null = null;
  if (m.checkpoint && fs.existsSync(m.checkpoint)) ck = { ...decodeCheckpoint(fs.readFileSync(m.checkpoint), m.checkpoint), file: m.checkpoint };
  else if (m.checkpoint) ck = loadLatestCheckpoint(path.dirname(m.checkpoint));
  if (!ck) throw new InputError(`model ${m.name}: its checkpoint ${m.checkpoint ?? '(none recorded)'} is gone; retrain it (micon train --model micon) to query by SMILES`);
  const prefixed = Object.keys(ck.tensors).some((k) => k.startsWith('param:'));
  const tensors = prefixed ? Object.fromEntries(Object.entries(ck.tensors).flatMap(([k, v]) => (k.startsWith('param:') ? [[k.slice(6), v]] : []))) : ck.tensors;
  return { tensors, step: ck.step, file: ck.file };
}

const madCache = new WeakMap<DB, Map<string, { version: string; params: Map<string, PlateMadParams> }>>();

/**
 * Per-plate MAD parameters of a feature set, recomputed from its stored raw well profiles with the
 * same code and inputs `buildProfiles` used, so they are the ones its stored profiles were made with.
 */
function plateMadParams(db: DB, fsInfo: FeatureSetInfo): Map<string, PlateMadParams> {
  const version = JSON.stringify(db.prepare('SELECT COUNT(*) AS n, MAX(rowid) AS m FROM well_profiles WHERE feature_set_id = ?').get(fsInfo.id));
  let perDb = madCache.get(db);
  if (!perDb) madCache.set(db, (perDb = new Map()));
  const hit = perDb.get(`${fsInfo.id}:${fsInfo.name}`);
  if (hit && hit.version === version) return hit.params;
  const raw = loadWellProfiles(db, fsInfo.id, 'raw');
  const info = new Map(wellInfo(db).map((w) => [w.wellId, w]));
  const meta: WellMeta[] = raw.wellIds.map((id) => {
    const w = info.get(id)!;
    return { wellId: id, plate: w.plate, batch: w.batch, source: w.source, compound: w.compound, pertType: w.pertType, moa: w.moa };
  });
  // The same per-plate reference the set's profiles were built with (DMSO unless `embed --normalize all`).
  const reference = setNormalization(db, fsInfo.id)?.reference === 'all' ? 'all' : 'negcon';
  const { params } = madNormalize(createMatrix(raw.rows, raw.cols, raw.data), meta, { reference });
  perDb.set(`${fsInfo.id}:${fsInfo.name}`, { version, params });
  return params;
}

/** The feature set's stored ZCA transform. */
function storedSphering(db: DB, fsInfo: FeatureSetInfo, dim: number): SpheringTransform {
  const r = db.prepare('SELECT mean, matrix, fitted_on FROM sphering WHERE feature_set_id = ?').get(fsInfo.id) as { mean: Buffer; matrix: Buffer; fitted_on: number } | undefined;
  if (!r) throw new InputError(`feature set ${fsInfo.name} has no stored sphering transform; run micon embed to rebuild its profiles`);
  const f32 = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const mean = f32(r.mean);
  const matrix = f32(r.matrix);
  if (mean.length !== dim || matrix.length !== dim * dim) throw new Error(`feature set ${fsInfo.name}: sphering is ${mean.length}-d, profiles ${dim}-d`);
  return { kind: 'zca', dim, mean, matrix, epsilon: 0, epsilonRel: 0, rank: dim, controls: r.fitted_on };
}

/**
 * Raw well profiles (well means of site embeddings) → the stored normalised form: per-plate robust
 * MAD with the parameters of the plate named in `plates[i]`, then the set's ZCA.
 */
export function normalizeLikeStored(db: DB, fsInfo: FeatureSetInfo, raw: Matrix, plates: string[]): Matrix {
  const params = plateMadParams(db, fsInfo);
  const mad = createMatrix(raw.rows, raw.cols);
  for (let i = 0; i < raw.rows; i++) {
    const p = params.get(plates[i]);
    if (!p) throw new Error(`no MAD parameters for plate ${plates[i]} in feature set ${fsInfo.name}`);
    mad.data.set(applyMad(createMatrix(1, raw.cols, raw.data.subarray(i * raw.cols, (i + 1) * raw.cols)), p).data, i * raw.cols);
  }
  return applySphering(mad, storedSphering(db, fsInfo, raw.cols));
}

export interface SmilesPrediction {
  /** Mean of the normalised predicted well profiles: the query. */
  vector: Float32Array;
  model: { name: string; step: number; checkpoint: string; imageEncoder: 'features' | 'cnn'; splitId: number | null; fpBits: number };
  /** E.g. measured profiles batch-corrected with Harmony, which a prediction cannot be. */
  warnings: string[];
  controlWells: number;
  controlSites: number;
  plates: number;
}

const BATCH = 4096;

/** Predict the normalised profile of `canonicalSmiles` in feature set `fsInfo` (a micon model's embedding). */
export async function predictSmilesProfile(db: DB, fsInfo: FeatureSetInfo, canonicalSmiles: string): Promise<SmilesPrediction> {
  const m = miconModelOf(db, fsInfo);
  if (!m) throw new InputError(`feature set ${fsInfo.name} is not the embedding of a trained micon model; SMILES queries need MICON's counterfactual generator`);
  const fp = await morganFingerprint(canonicalSmiles, { nBits: m.config.molecule.fpBits });
  if (!fp) throw new InputError(`invalid SMILES: ${canonicalSmiles}`);
  const { tensors, step, file } = loadParams(m);

  let sites = db
    .prepare(
      `SELECT f.vec, s.well_id AS wellId, p.name AS plate FROM site_features f JOIN sites s ON s.id = f.site_id JOIN wells w ON w.id = s.well_id
         JOIN plates p ON p.id = w.plate_id WHERE f.feature_set_id = ? AND w.pert_type = 'negcon' ORDER BY s.well_id, s.id`,
    )
    .all(fsInfo.id) as { vec: Buffer; wellId: number; plate: string }[];
  // A model over imported (well-level) profiles embeds wells, not sites: each DMSO well is its own sample.
  if (!sites.length) {
    sites = db
      .prepare(
        `SELECT f.vec, w.id AS wellId, p.name AS plate FROM imported_well_features f JOIN plates p ON p.name = f.plate JOIN wells w ON w.plate_id = p.id AND w.well = f.well
          WHERE f.feature_set_id = ? AND w.pert_type = 'negcon' ORDER BY w.id`,
      )
      .all(fsInfo.id) as { vec: Buffer; wellId: number; plate: string }[];
  }
  if (!sites.length) throw new InputError(`feature set ${fsInfo.name} has no embedded DMSO (negcon) sites to apply the compound to`);
  const d = sites[0].vec.byteLength / 4;
  if (d !== fsInfo.dim) throw new Error(`feature set ${fsInfo.name}: site vectors are ${d}-d, the set says ${fsInfo.dim}`);

  // The process's backend if one is running; otherwise wasm (what training uses by default on CPU,
  // and quiet: the pure-JS cpu backend prints an advert for tfjs-node on first use).
  if (!tf.engine().backendName) await selectBackend('wasm', { skipNative: true });
  await tf.ready();
  const model = createModel(m.config);
  const predicted = new Float32Array(sites.length * d);
  try {
    loadParamData(model, tensors);
    const mol = tf.tidy(() => moleculeEmbed(model, tf.tensor2d(fp, [1, fp.length])));
    try {
      for (let i = 0; i < sites.length; i += BATCH) {
        const chunk = sites.slice(i, i + BATCH);
        const ctl = new Float32Array(chunk.length * d);
        chunk.forEach((s, k) => ctl.set(new Float32Array(s.vec.buffer.slice(s.vec.byteOffset, s.vec.byteOffset + s.vec.byteLength)), k * d));
        const out = tf.tidy(() => generate(model, tf.tensor2d(ctl, [chunk.length, d]), tf.tile(mol, [chunk.length, 1]) as tf.Tensor2D));
        predicted.set(out.dataSync() as Float32Array, i * d);
        out.dispose();
      }
    } finally {
      mol.dispose();
    }
  } finally {
    disposeModel(model);
  }

  // Predicted site embeddings → predicted wells (mean of a control well's sites).
  const wells: { plate: string; start: number; end: number }[] = [];
  for (let i = 0; i < sites.length; i++) {
    const last = wells.at(-1);
    if (last && sites[last.start].wellId === sites[i].wellId) last.end = i + 1;
    else wells.push({ plate: sites[i].plate, start: i, end: i + 1 });
  }
  const raw = createMatrix(wells.length, d);
  wells.forEach((w, r) => {
    const acc = new Float64Array(d);
    for (let i = w.start; i < w.end; i++) for (let k = 0; k < d; k++) acc[k] += predicted[i * d + k];
    for (let k = 0; k < d; k++) raw.data[r * d + k] = acc[k] / (w.end - w.start);
  });
  const normalized = normalizeLikeStored(db, fsInfo, raw, wells.map((w) => w.plate));
  const vector = new Float32Array(d);
  const acc = new Float64Array(d);
  for (let r = 0; r < normalized.rows; r++) for (let k = 0; k < d; k++) acc[k] += normalized.data[r * d + k];
  for (let k = 0; k < d; k++) vector[k] = acc[k] / normalized.rows;
  return {
    vector,
    model: { name: m.name, step, checkpoint: file, imageEncoder: m.config.imageEncoder.kind, splitId: m.splitId, fpBits: m.config.molecule.fpBits },
    warnings:
      setNormalization(db, fsInfo.id)?.batchCorrect === 'harmony'
        ? [`${fsInfo.name}'s measured profiles were batch-corrected with Harmony; the predicted profile is not (it belongs to no plate), so similarities to it are less comparable`]
        : [],
    controlWells: wells.length,
    controlSites: sites.length,
    plates: new Set(wells.map((w) => w.plate)).size,
  };
}
