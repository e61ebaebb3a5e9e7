// The training form's settings as state, and the train job's request they make. Blank numbers are
// left out of the request, so the engine's own defaults apply.
import { useEffect, useState } from 'react';
import { TRAIN_PARAM_DEFAULTS, type FeatureSetChoice, type JobStartRequest } from '@contract';

export type TrainRequest = Extract<JobStartRequest, { kind: 'train' }>;

// Blank fields use the engine's own defaults: TRAIN_DEFAULTS (per encoder, ml/train-params.ts), shown as placeholders.

/** The run name the engine uses (modelName in main/core/ml/train.ts), as its checkpoint folder spells it. */
export function runName(model: string, encoder: 'features' | 'cnn', featureSource: string): string {
  const name = encoder === 'cnn' ? `${model}_cnn` : featureSource && featureSource !== 'handcrafted' ? `${model}@${featureSource}` : model;
  return name.replace(/[^A-Za-z0-9_.+@-]/g, '_');
}

export const num = (s: string) => (s.trim() === '' ? undefined : Math.trunc(Number(s)));

export function useTrainSettings(sets: FeatureSetChoice[]) {
  const [model, setModel] = useState<TrainRequest['model']>(TRAIN_PARAM_DEFAULTS.model);
  const [encoder, setEncoder] = useState<'features' | 'cnn'>(TRAIN_PARAM_DEFAULTS.encoder);
  const [steps, setSteps] = useState<string>('');
  const [batch, setBatch] = useState<string>('');
  const [seed, setSeed] = useState<string>(String(TRAIN_PARAM_DEFAULTS.seed));
  const [backend, setBackend] = useState<'' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu'>('');
  const [softwareGpu, setSoftwareGpu] = useState(false);
  const [compounds, setCompounds] = useState<'active-wells' | 'active' | 'all'>(TRAIN_PARAM_DEFAULTS.compounds);
  const [every, setEvery] = useState<string>('');
  const [initFrom, setInitFrom] = useState('');
  const [featureSource, setFeatureSource] = useState('');

  const request = (resume: boolean): TrainRequest => ({
    kind: 'train',
    model,
    encoder,
    steps: num(steps),
    batchCompounds: num(batch),
    seed: num(seed),
    backend: backend || undefined,
    allowSoftwareGpu: backend === 'webgpu' && softwareGpu ? true : undefined,
    compounds,
    checkpointEvery: num(every),
    resume: resume || undefined,
    initFrom: !resume && initFrom ? initFrom : undefined,
    featureSource: encoder === 'features' && featureSource ? featureSource : undefined,
  });
  const featureSets = sets.filter((s) => s.kind === 'handcrafted' || s.kind === 'backbone' || s.kind === 'imported');
  // A profiles-only project has no hand-crafted features (no images): offer its imported sets only.
  const profilesOnly = !sets.some((s) => s.kind === 'handcrafted') && sets.some((s) => s.kind === 'imported');
  const defaultSource = profilesOnly ? (featureSets.find((s) => s.kind === 'imported')?.name ?? '') : '';
  useEffect(() => {
    if (!featureSource && defaultSource) setFeatureSource(defaultSource);
  }, [featureSource, defaultSource]);

  // prettier-ignore
  return {
    model, setModel, encoder, setEncoder, steps, setSteps, batch, setBatch, seed, setSeed, backend, setBackend, softwareGpu, setSoftwareGpu,
    compounds, setCompounds, every, setEvery, initFrom, setInitFrom, featureSource, setFeatureSource, featureSets, profilesOnly, request,
  };
}

export type TrainSettings = ReturnType<typeof useTrainSettings>;
