import path from 'node:path';
import type { BackendPreference } from '../core/ml/backend.js';
import { REFERENCE_LOSS, type MiconConfig, type ModelKind } from '../core/ml/config.js';
import { train, type EncoderKind } from '../core/ml/train.js';
import { InputError } from '../core/types.js';
import { abortOnSigint, emit } from './output.js';
import { openCliProject } from './project.js';

export interface TrainCliOptions {
  db: string;
  model: ModelKind;
  encoder: EncoderKind;
  steps?: string;
  batch?: string;
  seed: string;
  backend?: BackendPreference;
  allowSoftwareGpu?: boolean;
  resume?: boolean;
  checkpointEvery?: string;
  compounds?: 'all' | 'active' | 'active-wells';
  /** --features: the site-level feature set the feature head trains on. */
  features?: string;
  /** --init-from: fine-tune from this model / checkpoint folder / checkpoint file. */
  initFrom?: string;
  name?: string;
  temperature?: string;
  cfGradient?: 'detach' | 'through';
  cfContrast?: 'joint' | 'cross';
  referenceLoss?: boolean;
  /** --residual-rank: input + low-rank correction instead of the 64-d head. */
  residualRank?: string;
  json?: boolean;
}

/** The loss overrides the flags ask for (the reference preset first, explicit flags over it). */
function lossOverrides(o: TrainCliOptions): Partial<MiconConfig['loss']> | undefined {
  const loss: Partial<MiconConfig['loss']> = o.referenceLoss ? { ...REFERENCE_LOSS } : {};
  if (o.temperature !== undefined) {
    const t = Number(o.temperature);
    if (!(Number.isFinite(t) && t > 0)) throw new InputError(`--temperature must be a positive number, not ${JSON.stringify(o.temperature)}`);
    loss.temperature = t;
  }
  if (o.cfGradient) loss.counterfactualStopGradient = o.cfGradient === 'detach';
  if (o.cfContrast) loss.counterfactualContrast = o.cfContrast;
  return Object.keys(loss).length ? loss : undefined;
}

function integer(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InputError(`${flag} must be an integer, not ${JSON.stringify(v)}`);
  return n;
}

function positiveInt(v: string, flag: string): number {
  const n = integer(v, flag);
  if (n < 1) throw new InputError(`${flag} must be a positive integer, not ${JSON.stringify(v)}`);
  return n;
}

export async function runTrain(o: TrainCliOptions): Promise<void> {
  const db = openCliProject(o.db);
  const tty = !o.json && process.stderr.isTTY;
  const ctrlC = abortOnSigint();
  try {
    let lastLine = 0;
    let saidDevice = false;
    const r = await train(db, {
      model: o.model,
      encoder: o.encoder,
      steps: o.steps ? positiveInt(o.steps, '--steps') : undefined,
      batchCompounds: o.batch ? positiveInt(o.batch, '--batch') : undefined,
      seed: integer(o.seed, '--seed'),
      backend: o.backend,
      allowSoftwareGpu: !!o.allowSoftwareGpu,
      resume: !!o.resume,
      checkpointEvery: o.checkpointEvery ? positiveInt(o.checkpointEvery, '--checkpoint-every') : undefined,
      compounds: o.compounds,
      featureSource: o.features,
      initFrom: o.initFrom,
      name: o.name,
      config: ((loss) => (loss ? { loss } : undefined))(lossOverrides(o)),
      residualRank: o.residualRank ? positiveInt(o.residualRank, '--residual-rank') : undefined,
      projectPath: path.resolve(o.db),
      signal: ctrlC.signal,
      onProgress: o.json
        ? undefined
        : (p) => {
            if (!saidDevice) {
              // Once, before the first step line: what it runs on ("… software adapter" included).
              process.stderr.write(`training on ${p.backend}: ${p.device}\n`);
              saidDevice = true;
            }
            const terms = Object.entries(p.terms)
              .map(([k, v]) => `${k} ${v.toFixed(3)}`)
              .join('  ');
            const line = `step ${p.step}/${p.steps}  loss ${p.loss.toFixed(4)}  ${terms}  ${Math.round(p.samplesPerSecond)} samples/s  [${p.backend}]`;
            // A line per ~10 % when not on a terminal, so logs show the loss falling.
            if (tty) process.stderr.write(`\r${line}   `);
            else if (p.step >= lastLine + p.steps / 10 || p.step === p.steps) {
              process.stderr.write(line + '\n');
              lastLine = p.step;
            }
          },
    });
    if (tty) process.stderr.write('\n');
    emit(!!o.json, r, () =>
      [
        `trained ${r.name} for ${r.steps} steps on ${r.backend} (${r.backendDetail})${r.resumedFrom !== null ? ` (resumed at step ${r.resumedFrom})` : ''} in ${r.seconds.toFixed(1)} s`,
        ...(r.backendSkipped.length ? [`skipped ${r.backendSkipped.join('; ')}`] : []),
        `loss ${r.lossStart.toFixed(4)} (first tenth) → ${r.lossEnd.toFixed(4)} (last tenth)`,
        `${r.trainCompounds} training compounds; ${r.heldoutCompounds} held out (never seen)${r.inactiveCompounds.length ? `; ${r.inactiveCompounds.length} left out as phenotypically inactive (${r.inactiveCompounds.join(', ')})` : ''}`,
        ...(r.featureSource && r.featureSource !== 'handcrafted' ? [`image side: feature head over ${r.featureSource}`] : []),
        ...(r.initFrom
          ? [`initialised from ${r.initFrom.source} (${r.initFrom.model}, step ${r.initFrom.step}): ${r.initFrom.loaded.length} parameters loaded (${r.initFrom.loaded.join(', ')}); ${r.initFrom.fresh.length} fresh${r.initFrom.fresh.length ? ` (${r.initFrom.fresh.join(', ')})` : ''}`]
          : []),
        `checkpoint: ${r.checkpoint}`,
      ].join('\n'),
    );
  } finally {
    ctrlC.release();
    db.close();
  }
}
