import { InputError } from '../core/types.js';
import { abortOnSigint, emit } from './output.js';
import { openCliProject } from './project.js';

export interface BackboneCliOptions {
  db: string;
  name?: string;
  inputSize?: string;
  normalize?: 'none' | 'imagenet';
  executionProvider?: string;
  allowSoftwareGpu?: boolean;
  json?: boolean;
}

/** `micon backbone FILE.onnx`: embed every site through a frozen imported ONNX model, as a feature set. */
export async function runBackbone(file: string, o: BackboneCliOptions): Promise<void> {
  let inputSize: number | undefined;
  if (o.inputSize !== undefined) {
    inputSize = Number(o.inputSize);
    if (!Number.isInteger(inputSize) || inputSize < 1) throw new InputError(`--input-size must be a positive integer, not ${JSON.stringify(o.inputSize)}`);
  }
  const db = openCliProject(o.db);
  const tty = !o.json && process.stderr.isTTY;
  const ctrlC = abortOnSigint();
  try {
    // onnxruntime is loaded only for this command.
    const { embedBackbone } = await import('../core/ml/backbone.js');
    const r = await embedBackbone(db, file, {
      name: o.name,
      inputSize,
      normalize: o.normalize,
      executionProviders: o.executionProvider ? [o.executionProvider] : undefined,
      allowSoftwareGpu: o.allowSoftwareGpu,
      signal: ctrlC.signal,
      onProgress: tty ? (done, total) => process.stderr.write(`\rbackbone: ${done}/${total} sites   `) : undefined,
    });
    if (tty) process.stderr.write('\n');
    emit(!!o.json, r, () =>
      [
        `feature set ${r.featureSet}: ${r.sites} sites × ${r.dim} from ${r.file}`,
        `input "${r.input.name}" [${r.input.shape.join(', ')}] fed ${r.inputSize}×${r.inputSize}: ${r.modeDescription}${r.normalize === 'imagenet' ? ' (ImageNet mean/std)' : ''}`,
        `output "${r.output.name}" [${r.output.shape.join(', ')}]${r.output.pooled ? ', global-average-pooled' : ''}`,
        `onnxruntime ${r.provider}${r.adapter ? ` on ${r.adapter}` : ''}: ${Math.round(r.sitesPerSecond)} sites/s${r.providerNote ? `\n  skipped ${r.providerNote}` : ''}`,
        `${r.profiles.wells} well profiles (MAD vs DMSO per plate, ZCA on ${r.profiles.controlWells} ${r.profiles.spheringReference} wells); micon eval compares it, micon train --features ${r.featureSet} trains on it`,
      ].join('\n'),
    );
  } finally {
    ctrlC.release();
    db.close();
  }
}
