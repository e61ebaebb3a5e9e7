// The names the API, the CLI, the job process and the UI accept for models and where they run. One
// list each (zod enums: `.options` is the plain array, for commander's choices and the UI's menus).
import { z } from 'zod';

/** The training objective: MICON, or one of its two baselines (ml/objective.ts). */
export const ModelKind = z.enum(['micon', 'image_only', 'clip']);
export type ModelKind = z.infer<typeof ModelKind>;

/** The image side of the model: a head over a site-level feature set, or the CNN over the cached arrays. */
export const EncoderKind = z.enum(['features', 'cnn']);
export type EncoderKind = z.infer<typeof EncoderKind>;

/** tfjs backend for training; `tensorflow` = automatic (ml/backend.ts). */
export const TrainBackend = z.enum(['tensorflow', 'webgpu', 'wasm', 'cpu']);
export type TrainBackend = z.infer<typeof TrainBackend>;

/** Which training compounds a run uses (ml/activity.ts). */
export const CompoundSelection = z.enum(['active-wells', 'active', 'all']);
export type CompoundSelection = z.infer<typeof CompoundSelection>;

/** ONNX Runtime execution provider for embedding (ml/onnx-embed.ts). */
export const ExecutionProvider = z.enum(['cuda', 'dml', 'coreml', 'webgpu', 'cpu']);
export type ExecutionProvider = z.infer<typeof ExecutionProvider>;
