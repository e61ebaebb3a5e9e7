// One optimizer step's input: for each sampled compound two treated samples and two DMSO controls,
// the compound's fingerprint per treated sample, and its label (the class SupCon contrasts).
import type { TrainingItem } from './sampling.js';
import type { SiteImages } from './site-images.js';
import type { SiteFeatures, TrainData } from './train-data.js';
import type { HostTensor, StepBatch } from './trainer.js';

export function stepBatch(items: TrainingItem[], data: TrainData, feats: SiteFeatures | null, images: SiteImages | null, fpBits: number): { batch: StepBatch; samples: number } {
  const treatedIds = items.flatMap((it) => it.treated);
  const controlIds = items.flatMap((it) => it.controls);
  const labels = items.flatMap((it) => [data.compoundIndex.get(it.compound)!, data.compoundIndex.get(it.compound)!]);
  const fp = new Float32Array(treatedIds.length * fpBits);
  items.forEach((it, i) => {
    const f = data.fingerprints.get(it.compound)!;
    fp.set(f, 2 * i * fpBits);
    fp.set(f, (2 * i + 1) * fpBits);
  });
  const input = (ids: number[]): HostTensor =>
    feats
      ? { data: concatRows(ids.map((id) => feats.bySite.get(id)!)), shape: [ids.length, feats.dim] }
      : { data: images!.batch(ids), shape: [ids.length, 5, images!.inputSize, images!.inputSize] };
  return {
    batch: { treated: input(treatedIds), controls: input(controlIds), fingerprints: { data: fp, shape: [treatedIds.length, fpBits] }, labels },
    samples: treatedIds.length + controlIds.length,
  };
}

function concatRows(rows: Float32Array[]): Float32Array {
  const out = new Float32Array(rows.length * rows[0].length);
  rows.forEach((r, i) => out.set(r, i * r.length));
  return out;
}
