import { useEffect, useState } from 'react';
import { TRAIN_DEFAULTS, TRAIN_PARAM_DEFAULTS, type FeatureSetChoice, type JobStartRequest, type ModelInfo } from '../../../../main/core/api/contract';
import { getApi } from '../../api';
import { errorMessage } from '../../errors';

type TrainRequest = Extract<JobStartRequest, { kind: 'train' }>;

// Blank fields use the engine's own defaults: TRAIN_DEFAULTS (per encoder), shown as placeholders.

const MODELS: { value: TrainRequest['model']; label: string }[] = [
  { value: 'micon', label: 'MICON (images + molecules, counterfactual)' },
  { value: 'image_only', label: 'Image-only contrastive (baseline)' },
  { value: 'clip', label: 'CLIP-style image–molecule (baseline)' },
];

interface Props {
  models: ModelInfo[];
  runs: { name: string; step: number }[];
  sets: FeatureSetChoice[];
  busy: boolean;
  onError(e: string | null): void;
}

/** The run name the engine uses (modelName in main/core/ml/train.ts), as its checkpoint folder spells it. */
function runName(model: string, encoder: 'features' | 'cnn', featureSource: string): string {
  const name = encoder === 'cnn' ? `${model}_cnn` : featureSource && featureSource !== 'handcrafted' ? `${model}@${featureSource}` : model;
  return name.replace(/[^A-Za-z0-9_.+@-]/g, '_');
}

export function TrainForm({ models, runs, sets, busy, onError }: Props) {
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

  const num = (s: string) => (s.trim() === '' ? undefined : Math.trunc(Number(s)));
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
  const start = (resume: boolean) =>
    getApi()
      .invoke('jobs.start', request(resume))
      .then(
        () => onError(null),
        (e) => onError(errorMessage(e)),
      );
  // Resume continues the run this model/encoder/feature choice names, from its newest checkpoint; a
  // finished model can be resumed too, to train it for more steps.
  const name = runName(model, encoder, featureSource);
  const run = runs.find((r) => r.name === name);
  const finished = models.find((m) => m.name.replace(/[^A-Za-z0-9_.+@-]/g, '_') === name && m.status === 'trained');
  const target = num(steps) ?? TRAIN_DEFAULTS[encoder].steps;
  const canResume = !!run && !(finished && finished.step >= run.step && target <= run.step);
  const featureSets = sets.filter((s) => s.kind === 'handcrafted' || s.kind === 'backbone' || s.kind === 'imported');
  // A profiles-only project has no hand-crafted features (no images): offer its imported sets only.
  const profilesOnly = !sets.some((s) => s.kind === 'handcrafted') && sets.some((s) => s.kind === 'imported');
  const defaultSource = profilesOnly ? (featureSets.find((s) => s.kind === 'imported')?.name ?? '') : '';
  useEffect(() => {
    if (!featureSource && defaultSource) setFeatureSource(defaultSource);
  }, [featureSource, defaultSource]);

  return (
    <section className="card" data-testid="train-form">
      <h2>Train</h2>
      <div className="form-grid">
        <label className="field wide">
          Model
          <select value={model} onChange={(e) => setModel(e.target.value as TrainRequest['model'])} data-testid="train-model">
            {MODELS.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Image encoder
          <select value={encoder} onChange={(e) => setEncoder(e.target.value as 'features' | 'cnn')}>
            <option value="features">feature head</option>
            <option value="cnn">CNN on pixels</option>
          </select>
        </label>
        <label className="field">
          Site features
          <select value={featureSource} disabled={encoder === 'cnn'} onChange={(e) => setFeatureSource(e.target.value)}>
            {!profilesOnly && <option value="">handcrafted</option>}
            {featureSets
              .filter((s) => s.name !== 'handcrafted')
              .map((s) => (
                <option key={s.name} value={s.name}>
                  {s.name}
                </option>
              ))}
          </select>
        </label>
        <label className="field">
          Steps
          <input type="number" min={1} value={steps} placeholder={String(TRAIN_DEFAULTS[encoder].steps)} onChange={(e) => setSteps(e.target.value)} data-testid="train-steps" />
        </label>
        <label className="field">
          Compounds per batch
          <input type="number" min={2} value={batch} placeholder={String(TRAIN_DEFAULTS[encoder].batchCompounds)} onChange={(e) => setBatch(e.target.value)} />
        </label>
        <label className="field">
          Checkpoint every
          <input type="number" min={1} value={every} placeholder={String(TRAIN_DEFAULTS[encoder].checkpointEvery)} onChange={(e) => setEvery(e.target.value)} data-testid="train-every" />
        </label>
        <label className="field">
          Seed
          <input type="number" value={seed} onChange={(e) => setSeed(e.target.value)} />
        </label>
        <label className="field">
          Backend
          <select value={backend} onChange={(e) => setBackend(e.target.value as typeof backend)} title="best available: CUDA (if it really sees a GPU), then WebGPU on a real GPU, native CPU, wasm, cpu">
            <option value="">best available</option>
            <option value="tensorflow">tensorflow (tfjs-node / CUDA)</option>
            <option value="webgpu">webgpu (any GPU: Vulkan, Metal, D3D12)</option>
            <option value="wasm">wasm (SIMD)</option>
            <option value="cpu">cpu (slow)</option>
          </select>
        </label>
        <label className="field" title="SwiftShader, lavapipe or WARP emulate a GPU on the CPU and train far slower than wasm: refused unless allowed here">
          Software GPU
          <span className="check">
            <input type="checkbox" data-testid="train-software-gpu" checked={softwareGpu} disabled={backend !== 'webgpu'} onChange={(e) => setSoftwareGpu(e.target.checked)} />
            allow (slow)
          </span>
        </label>
        <label className="field">
          Training wells
          <select value={compounds} onChange={(e) => setCompounds(e.target.value as typeof compounds)} title="Wells of inactive compounds and ineffective doses look like DMSO and teach noise">
            <option value="active-wells">active compounds, active wells</option>
            <option value="active">active compounds, all doses</option>
            <option value="all">every treated well</option>
          </select>
        </label>
        <label className="field wide">
          Fine-tune from
          <select value={initFrom} onChange={(e) => setInitFrom(e.target.value)} data-testid="train-init">
            <option value="">fresh weights</option>
            {models
              .filter((m) => m.checkpoint)
              .map((m) => (
                <option key={m.name} value={m.name}>
                  {m.name} (step {m.step})
                </option>
              ))}
          </select>
        </label>
      </div>
      <div className="row-actions">
        <button type="button" className="btn primary" data-testid="start-train" disabled={busy} onClick={() => void start(false)}>
          Start training
        </button>
        <button
          type="button"
          className="btn"
          data-testid="resume-train"
          disabled={busy || !canResume}
          title={canResume ? `continue ${name} from its checkpoint at step ${run!.step} to step ${target}` : run ? `${name} already reached step ${run.step}; raise Steps to train on` : `no checkpoint of ${name} yet`}
          onClick={() => void start(true)}
        >
          Resume{canResume ? ` from step ${run!.step}` : ''}
        </button>
      </div>
    </section>
  );
}
