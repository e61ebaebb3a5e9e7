// Every option of a training run, declared once. The API's train request (api/contract-jobs.ts), the
// job process's params (jobs/registry.ts), the CLI's flags (cli/train.ts) and the app's form
// (TrainForm.tsx) all read this schema and these defaults; train() applies them. Zod only, no
// tfjs or Node: the renderer bundles it through the contract.
import { z } from 'zod';

// The enums live once in kinds.ts (shared with the CLI's other commands and embedding); the training
// backend is called a preference here because `tensorflow` means "choose automatically".
import { CompoundSelection, EncoderKind, ModelKind, TrainBackend } from './kinds.js';

export { CompoundSelection, EncoderKind, ModelKind };
/** `tensorflow` = automatic: CUDA → WebGPU on a real GPU → native CPU → wasm → cpu (ml/backend.ts). */
export const BackendPreference = TrainBackend;
export type BackendPreference = TrainBackend;
// CompoundSelection — which treated wells PaCLR sees. `active-wells`: wells of phenotypically active
// compounds (replicates differ from DMSO, activity.ts) that themselves lie outside DMSO's spread (an
// ineffective dose looks like DMSO). `active`: every well of active compounds. `all`: everything.

/**
 * One option: its schema, its CLI flag and its help (the CLI builds `micon train`'s options from
 * these, cli/train.ts). The help doubles as the option's documentation.
 */
const option = <T extends z.ZodType>(schema: T, flag: string, description: string) => schema.optional().meta({ flag, description });

/** What the user may ask of a training run. Absent fields take TRAIN_PARAM_DEFAULTS / TRAIN_DEFAULTS. */
export const TrainParams = z
  .object({
    model: option(ModelKind, '--model <kind>', 'objective'),
    encoder: option(EncoderKind, '--encoder <kind>', 'image side: a head over hand-crafted features, or a per-channel CNN on the images'),
    steps: option(z.number().int().min(1).max(1_000_000), '--steps <n>', 'optimizer steps (default sized for the encoder and backend)'),
    /** Each compound contributes 2 treated images and 2 controls. */
    batchCompounds: option(z.number().int().min(2).max(4096), '--batch <n>', 'compounds per batch'),
    seed: option(z.number().int(), '--seed <n>', 'random seed'),
    /** Absent: automatic; in the app, the compute window's WebGPU first. */
    backend: option(
      BackendPreference,
      '--backend <name>',
      'tfjs backend: tensorflow = automatic (CUDA → WebGPU GPU → native CPU → wasm → cpu); webgpu forces a GPU (error if none); wasm, cpu',
    ),
    allowSoftwareGpu: option(z.boolean(), '--allow-software-gpu', 'let webgpu run on a software adapter (SwiftShader, lavapipe, WARP): for tests; far slower than wasm'),
    resume: option(z.boolean(), '--resume', 'continue from the last checkpoint of this model'),
    checkpointEvery: option(z.number().int().min(1).max(1_000_000), '--checkpoint-every <n>', 'write a checkpoint every N steps (default sized for the encoder)'),
    compounds: option(
      CompoundSelection,
      '--compounds <which>',
      'treated wells PaCLR sees: active-wells (wells of active compounds outside the DMSO spread), active (every well of active compounds), all',
    ),
    /** The default model name becomes `<kind>@<set>` for any set but the hand-crafted one. */
    featureSource: option(
      z.string().min(1).max(200),
      '--features <set>',
      'feature set the feature head trains on: site-level (backbone:NAME from micon backbone) or imported well-level profiles (import-profiles); default: handcrafted',
    ),
    residualRank: option(
      z.number().int().min(1).max(4096),
      '--residual-rank <r>',
      'residual feature head: input + a rank-r learned correction (output as wide as the input) instead of the 64-d head',
    ),
    /** A new run (step 0, fresh optimizer) loading every parameter whose name and shape match (init-from.ts). */
    initFrom: option(
      z.string().min(1).max(4096),
      '--init-from <model|dir|file>',
      "fine-tune: start a new run from this model's (or checkpoint folder/file's) parameters wherever names and shapes match",
    ),
    name: option(z.string().min(1).max(200), '--name <name>', 'store the model under this name (to compare configurations side by side; default: the kind)'),
    temperature: option(z.number().positive().max(1000), '--temperature <t>', 'SupCon temperature (default 0.1; the reference uses 1.0)'),
    cfGradient: option(z.enum(['detach', 'through']), '--cf-gradient <how>', "counterfactual term: 'detach' the image embeddings (reference) or train the encoder 'through' it (default)"),
    cfContrast: option(z.enum(['joint', 'cross']), '--cf-contrast <how>', "counterfactual term: one 'joint' SupCon over real and predicted (reference) or 'cross'-set (default)"),
    referenceLoss: option(z.boolean(), '--reference-loss', "the reference implementation's loss: temperature 1.0, detach, joint (flags above override)"),
  })
  .strict();
export type TrainParams = z.infer<typeof TrainParams>;

/** The defaults of the options that have one whatever the encoder and backend. */
export const TRAIN_PARAM_DEFAULTS = {
  model: 'micon',
  encoder: 'features',
  seed: 1,
  allowSoftwareGpu: false,
  resume: false,
  compounds: 'active-wells',
  referenceLoss: false,
} as const satisfies Partial<Required<TrainParams>>;

/** Per-encoder defaults, sized so ~1,000 sites train in minutes on 2 CPU cores; a real GPU scales steps up. */
export const TRAIN_DEFAULTS = {
  features: { steps: 1500, batchCompounds: 24, checkpointEvery: 250 },
  cnn: { steps: 300, batchCompounds: 12, checkpointEvery: 50 },
} as const satisfies Record<EncoderKind, Required<Pick<TrainParams, 'steps' | 'batchCompounds' | 'checkpointEvery'>>>;

/** Steps on a real GPU, relative to TRAIN_DEFAULTS. */
export const GPU_STEPS_FACTOR = 4;

/**
 * Default step count: 4× on a real GPU. Keyed on `accelerated`, never on the backend's name or
 * text: tfjs-node-gpu that found no GPU is a CPU backend.
 */
export function defaultSteps(encoder: EncoderKind, backend: { accelerated: boolean }): number {
  return TRAIN_DEFAULTS[encoder].steps * (backend.accelerated ? GPU_STEPS_FACTOR : 1);
}
