// A frozen imported ONNX backbone (`micon backbone FILE.onnx`): any image model — an ImageNet CNN or
// ViT exported to ONNX, or one of our own exported encoders — run over every ingested site with
// onnxruntime (DESIGN.md "Compute backends": CUDA where its add-on loads, else CPU, and we say which).
// Its output becomes a site-level feature set (kind 'backbone'), so it gets profiles and is evaluated
// like any other set, and `micon train --features <set>` trains the MICON heads on top of it.
//
// How the five Cell Painting channels reach the model depends on its input's channel dimension:
//   5 (or dynamic) — one [N, 5, S, S] image per site;
//   1              — each channel alone, [N·5, 1, S, S]; the five outputs are concatenated;
//   3              — each channel repeated to RGB, [N·5, 3, S, S]; concatenated (the usual way to put a
//                    grey image through an RGB-pretrained network, as MICON's ResNet does per channel).
// Rank-4 outputs ([M, C, h, w] feature maps) are global-average-pooled; rank-2 ([M, D]) used as is.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { DB } from '../db/open.js';
import { buildProfiles, type ProfileSummary } from '../embeddings/profiles.js';
import { featureSetByName, insertSiteVector, replaceFeatureSet, siteArray, siteInfo } from '../feature-sets/store.js';
import { throwIfCancelled } from '../util/cancel.js';
import { InputError } from '../types.js';
import { DEFAULT_IMAGE_ENCODER } from './encoder-spec.js';
import { inferenceRecord, openSession, type EmbedderOptions } from './onnx-embed.js';
import { toInput } from './site-images.js';

export const BACKBONE_KIND = 'backbone';

export type BackboneMode = 'five-channel' | 'per-channel-grey' | 'per-channel-rgb';

const MODE_TEXT: Record<BackboneMode, string> = {
  'five-channel': 'the 5 Cell Painting channels as one [N, 5, S, S] image per site',
  'per-channel-grey': 'each channel alone as a [1, S, S] image; the 5 outputs concatenated',
  'per-channel-rgb': 'each channel repeated to RGB as a [3, S, S] image; the 5 outputs concatenated',
};

/** ImageNet statistics (torchvision), for RGB-pretrained models that expect them. */
const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** ORT's input/output metadata, as far as the plan needs it. */
export interface ValueMeta {
  name: string;
  isTensor: boolean;
  type?: string;
  /** Declared shape: numbers for fixed dims, strings (or non-positive numbers) for dynamic ones; [] when undeclared. */
  shape?: readonly (number | string)[];
}

export interface BackbonePlan {
  inputName: string;
  inputShape: (number | string)[];
  outputName: string;
  outputShape: (number | string)[];
  mode: BackboneMode;
  /** Side of the square image the model is fed. */
  inputSize: number;
  /** Images per site: 1 (five-channel) or 5 (one per channel). */
  imagesPerSite: number;
  /** Channels of each image fed: 5, 1 or 3. */
  channelsPerImage: number;
  /** A batch size the model fixes, else null (any). */
  fixedBatch: number | null;
}

export interface PlanOptions {
  /** Side of the square input when the model's spatial dims are dynamic (default DEFAULT_IMAGE_ENCODER.inputSize). */
  inputSize?: number;
}

const fixed = (d: number | string | undefined): number | null => (typeof d === 'number' && Number.isInteger(d) && d > 0 ? d : null);
const show = (shape: readonly (number | string)[]) => `[${shape.map((d) => (fixed(d) ?? (typeof d === 'string' && d ? d : '?'))).join(', ')}]`;

/** How to feed a model with these inputs and outputs; clear errors for what cannot work. Pure. */
export function planBackbone(label: string, inputs: readonly ValueMeta[], outputs: readonly ValueMeta[], opts: PlanOptions = {}): BackbonePlan {
  if (inputs.length !== 1) {
    throw new InputError(`${label} has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ') || 'none'}); a backbone takes exactly one image tensor [N, C, H, W]`);
  }
  const inp = inputs[0];
  if (!inp.isTensor) throw new InputError(`${label}: input "${inp.name}" is not a tensor`);
  if (inp.type && inp.type !== 'float32') throw new InputError(`${label}: input "${inp.name}" is ${inp.type}; only float32 image inputs are supported`);
  const shape = [...(inp.shape ?? [])];
  if (shape.length !== 4) {
    throw new InputError(
      `${label}: input "${inp.name}" has ${shape.length ? `rank ${shape.length} ${show(shape)}` : 'no declared shape'}; a backbone takes images [N, C, H, W] (rank 4, channels first)`,
    );
  }
  const c = fixed(shape[1]);
  let mode: BackboneMode;
  if (c === null || c === 5) mode = 'five-channel';
  else if (c === 1) mode = 'per-channel-grey';
  else if (c === 3) mode = 'per-channel-rgb';
  else {
    throw new InputError(`${label}: input "${inp.name}" ${show(shape)} has ${c} channels; supported: 5 (the Cell Painting channels), 1 (grey, per channel) or 3 (RGB, per channel); channels-first [N, C, H, W] is expected`);
  }
  const h = fixed(shape[2]);
  const w = fixed(shape[3]);
  if (h !== null && w !== null && h !== w) throw new InputError(`${label}: input "${inp.name}" ${show(shape)} is not square; sites are fed as square S×S images`);
  const side = h ?? w;
  if (side !== null && opts.inputSize !== undefined && opts.inputSize !== side) {
    throw new InputError(`${label}: the model fixes its input at ${side}×${side}; --input-size ${opts.inputSize} conflicts (leave it out)`);
  }
  const inputSize = side ?? opts.inputSize ?? DEFAULT_IMAGE_ENCODER.inputSize;
  if (!Number.isInteger(inputSize) || inputSize < 1) throw new InputError(`--input-size must be a positive integer, not ${inputSize}`);
  if (!outputs.length) throw new InputError(`${label} has no outputs`);
  const out = outputs[0];
  if (!out.isTensor) throw new InputError(`${label}: output "${out.name}" is not a tensor`);
  const outShape = [...(out.shape ?? [])];
  if (outShape.length && outShape.length !== 2 && outShape.length !== 4) {
    throw new InputError(`${label}: output "${out.name}" has rank ${outShape.length} ${show(outShape)}; a backbone must give [N, D] vectors or [N, C, h, w] feature maps (pooled)`);
  }
  const perChannel = mode !== 'five-channel';
  return {
    inputName: inp.name,
    inputShape: shape,
    outputName: out.name,
    outputShape: outShape,
    mode,
    inputSize,
    imagesPerSite: perChannel ? 5 : 1,
    channelsPerImage: mode === 'per-channel-rgb' ? 3 : perChannel ? 1 : 5,
    fixedBatch: fixed(shape[0]),
  };
}

/**
 * The model's input for `n` sites given their [5, S, S] 0..1 arrays back to back: five-channel and
 * grey per-channel modes read the same bytes ([n, 5, S, S] is [n·5, 1, S, S]); RGB repeats each plane.
 */
export function backboneInput(plan: BackbonePlan, sites: Float32Array, n: number, normalize: 'none' | 'imagenet' = 'none'): Float32Array {
  const plane = plan.inputSize * plan.inputSize;
  if (sites.length !== n * 5 * plane) throw new Error(`backboneInput: ${sites.length} values for ${n} sites of [5, ${plan.inputSize}, ${plan.inputSize}]`);
  if (plan.mode !== 'per-channel-rgb') return sites;
  const out = new Float32Array(n * 5 * 3 * plane);
  for (let img = 0; img < n * 5; img++) {
    const src = sites.subarray(img * plane, (img + 1) * plane);
    for (let k = 0; k < 3; k++) {
      const dst = out.subarray((img * 3 + k) * plane, (img * 3 + k + 1) * plane);
      if (normalize === 'imagenet') {
        const m = IMAGENET.mean[k];
        const s = IMAGENET.std[k];
        for (let i = 0; i < plane; i++) dst[i] = (src[i] - m) / s;
      } else dst.set(src);
    }
  }
  return out;
}

/** One vector per image from the output tensor: rank 2 as is, rank 4 averaged over its spatial dims. */
export function poolOutput(plan: BackbonePlan, label: string, dims: readonly number[], data: Float32Array, images: number): { dim: number; rows: Float32Array; pooled: boolean } {
  if (dims[0] !== images) throw new InputError(`${label}: output "${plan.outputName}" has ${dims[0]} rows for ${images} images ([${dims}])`);
  if (dims.length === 2) return { dim: dims[1], rows: data, pooled: false };
  if (dims.length === 4) {
    const [m, c, h, w] = dims;
    const hw = h * w;
    const rows = new Float32Array(m * c);
    for (let r = 0; r < m * c; r++) {
      let sum = 0;
      for (let i = 0; i < hw; i++) sum += data[r * hw + i];
      rows[r] = sum / hw;
    }
    return { dim: c, rows, pooled: true };
  }
  throw new InputError(`${label}: output "${plan.outputName}" has rank ${dims.length} ([${dims}]); a backbone must give [N, D] vectors or [N, C, h, w] feature maps`);
}

export interface BackboneOptions extends EmbedderOptions, PlanOptions {
  /** Feature set name; default `backbone:<file stem>`. */
  name?: string;
  /** Scale the 0..1 images with ImageNet mean/std (RGB models trained on ImageNet expect it); default none. */
  normalize?: 'none' | 'imagenet';
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface BackboneResult {
  featureSet: string;
  file: string;
  sites: number;
  dim: number;
  mode: BackboneMode;
  /** The mode in words: how the five channels were fed. */
  modeDescription: string;
  inputSize: number;
  normalize: 'none' | 'imagenet';
  input: { name: string; shape: (number | string)[] };
  output: { name: string; shape: (number | string)[]; pooled: boolean };
  /** The ONNX Runtime execution provider that ran it, its GPU (webgpu), and why faster ones were skipped. */
  provider: string;
  adapter: string | null;
  providerNote: string | null;
  sitesPerSecond: number;
  seconds: number;
  profiles: ProfileSummary;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.+:-]{0,63}$/;

/** `backbone:<file stem>`, with characters a feature set name may not hold replaced. */
export function defaultBackboneName(file: string): string {
  const stem = path.basename(file, path.extname(file)).replace(/[^A-Za-z0-9_.+-]/g, '_').slice(0, 54) || 'model';
  return `backbone:${stem}`;
}

/** Embed every ingested site through the ONNX model in `file` and store the result as a feature set with profiles. */
export async function embedBackbone(db: DB, file: string, opts: BackboneOptions = {}): Promise<BackboneResult> {
  const t0 = performance.now();
  if (!fs.existsSync(file)) throw new InputError(`${file}: no such file`);
  if (fs.statSync(file).isDirectory()) throw new InputError(`${file} is a folder, not an ONNX model file`);
  const name = opts.name ?? defaultBackboneName(file);
  if (!NAME_RE.test(name)) throw new InputError(`feature set name "${name}" is not allowed (letters, digits, _ . + - :; at most 64 characters, starting with a letter or digit)`);
  const existing = featureSetByName(db, name);
  if (existing && existing.kind !== BACKBONE_KIND) throw new InputError(`feature set "${name}" already exists and is ${existing.kind === 'model' ? "a trained model's embedding" : `a ${existing.kind} set`}; pick another --name`);
  const normalize = opts.normalize ?? 'none';
  const sites = siteInfo(db);
  if (!sites.length) throw new InputError('no ingested sites: run micon ingest first');

  const bytes = fs.readFileSync(file);
  let opened: Awaited<ReturnType<typeof openSession>>;
  try {
    opened = await openSession(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), opts);
  } catch (e) {
    const msg = (e as Error).message;
    if (/protobuf parsing failed|ModelProto/i.test(msg)) throw new InputError(`${file} is not an ONNX model (onnxruntime could not parse it)`);
    throw new InputError(`onnxruntime cannot load ${file}: ${msg}`);
  }
  const { session, provider, adapter, fallbackReason } = opened;
  try {
    const label = path.basename(file);
    const plan = planBackbone(label, session.inputMetadata as readonly ValueMeta[], session.outputMetadata as readonly ValueMeta[], opts);
    if (normalize === 'imagenet' && plan.mode !== 'per-channel-rgb') throw new InputError(`--normalize imagenet is for 3-channel (RGB) models; ${label} takes ${plan.channelsPerImage} channel(s)`);
    const S = plan.inputSize;
    const imageFloats = plan.channelsPerImage * S * S;
    // Sites per run: what the model fixes, else about 64 MB of input (at most 64 sites).
    const perRunImages = plan.fixedBatch ?? Math.max(plan.imagesPerSite, Math.min(64 * plan.imagesPerSite, Math.floor(16e6 / imageFloats / plan.imagesPerSite) * plan.imagesPerSite));
    const chunkSites = Math.max(1, Math.floor(perRunImages / plan.imagesPerSite));
    const vectors = new Map<number, Float32Array>();
    let dim = 0;
    let pooled = false;
    const tRun = performance.now();
    for (let i = 0; i < sites.length; i += chunkSites) {
      if (opts.signal) throwIfCancelled(opts.signal);
      const ids = sites.slice(i, i + chunkSites).map((s) => s.siteId);
      const raw = new Float32Array(ids.length * 5 * S * S);
      ids.forEach((id, k) => raw.set(toInput(siteArray(db, id), S), k * 5 * S * S));
      const images = backboneInput(plan, raw, ids.length, normalize);
      const nImages = ids.length * plan.imagesPerSite;
      const perImage: Float32Array[] = [];
      // A fixed batch size is met by padding the last run with blank images.
      const runImages = plan.fixedBatch ?? nImages;
      for (let r = 0; r < nImages; r += runImages) {
        const take = Math.min(runImages, nImages - r);
        let feed = images.subarray(r * imageFloats, (r + take) * imageFloats);
        if (take < runImages) {
          const padded = new Float32Array(runImages * imageFloats);
          padded.set(feed);
          feed = padded;
        }
        const res = await session.run({ [plan.inputName]: new ort.Tensor('float32', feed, [runImages, plan.channelsPerImage, S, S]) }, [plan.outputName]);
        const t = res[plan.outputName];
        if (t.type !== 'float32') throw new InputError(`${label}: output "${plan.outputName}" is ${t.type}; only float32 outputs are supported`);
        const p = poolOutput(plan, label, t.dims, t.data as Float32Array, runImages);
        if (dim && p.dim !== dim) throw new InputError(`${label}: output "${plan.outputName}" changed width between batches (${dim} → ${p.dim})`);
        dim = p.dim;
        pooled = p.pooled;
        for (let k = 0; k < take; k++) perImage.push(p.rows.slice(k * dim, (k + 1) * dim));
      }
      ids.forEach((id, k) => {
        const v = new Float32Array(plan.imagesPerSite * dim);
        for (let j = 0; j < plan.imagesPerSite; j++) v.set(perImage[k * plan.imagesPerSite + j], j * dim);
        vectors.set(id, v);
      });
      opts.onProgress?.(Math.min(sites.length, i + ids.length), sites.length);
    }
    const runSeconds = (performance.now() - tRun) / 1000;
    const siteDim = plan.imagesPerSite * dim;
    const version = JSON.stringify({
      file: path.resolve(file),
      sha256: createHash('sha256').update(bytes).digest('hex').slice(0, 16),
      mode: plan.mode,
      inputSize: S,
      normalize,
      input: plan.inputName,
      output: plan.outputName,
      pooled,
      inference: inferenceRecord(opened),
    });
    const fsId = db.transaction(() => {
      const id = replaceFeatureSet(db, { name, kind: BACKBONE_KIND, dim: siteDim, version, modelId: null });
      for (const [siteId, v] of vectors) insertSiteVector(db, id, siteId, v);
      return id;
    })();
    const profiles = buildProfiles(db, fsId);
    return {
      featureSet: name,
      file: path.resolve(file),
      sites: vectors.size,
      dim: siteDim,
      mode: plan.mode,
      modeDescription: MODE_TEXT[plan.mode],
      inputSize: S,
      normalize,
      input: { name: plan.inputName, shape: plan.inputShape },
      output: { name: plan.outputName, shape: plan.outputShape, pooled },
      provider,
      adapter,
      providerNote: fallbackReason || null,
      sitesPerSecond: vectors.size / Math.max(runSeconds, 1e-9),
      seconds: (performance.now() - t0) / 1000,
      profiles,
    };
  } finally {
    await session.release();
  }
}
