// The training form's fields: what to train on which data, how long, where, and from which weights.
import type { ModelInfo } from '@contract';
import { TRAIN_DEFAULTS } from '@contract';
import { type TrainRequest, type TrainSettings } from './train-settings';

const MODELS: { value: TrainRequest['model']; label: string }[] = [
  { value: 'micon', label: 'MICON (images + molecules, counterfactual)' },
  { value: 'image_only', label: 'Image-only contrastive (baseline)' },
  { value: 'clip', label: 'CLIP-style image–molecule (baseline)' },
];

export function TrainFields({ s, models }: { s: TrainSettings; models: ModelInfo[] }) {
  return (
    <div className="form-grid">
      <label className="field wide">
        Model
        <select value={s.model} onChange={(e) => s.setModel(e.target.value as TrainRequest['model'])} data-testid="train-model">
          {MODELS.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Image encoder
        <select value={s.encoder} onChange={(e) => s.setEncoder(e.target.value as 'features' | 'cnn')}>
          <option value="features">feature head</option>
          <option value="cnn">CNN on pixels</option>
        </select>
      </label>
      <label className="field">
        Site features
        <select value={s.featureSource} disabled={s.encoder === 'cnn'} onChange={(e) => s.setFeatureSource(e.target.value)}>
          {!s.profilesOnly && <option value="">handcrafted</option>}
          {s.featureSets
            .filter((f) => f.name !== 'handcrafted')
            .map((f) => (
              <option key={f.name} value={f.name}>
                {f.name}
              </option>
            ))}
        </select>
      </label>
      <label className="field">
        Steps
        <input type="number" min={1} value={s.steps} placeholder={String(TRAIN_DEFAULTS[s.encoder].steps)} onChange={(e) => s.setSteps(e.target.value)} data-testid="train-steps" />
      </label>
      <label className="field">
        Compounds per batch
        <input type="number" min={2} value={s.batch} placeholder={String(TRAIN_DEFAULTS[s.encoder].batchCompounds)} onChange={(e) => s.setBatch(e.target.value)} />
      </label>
      <label className="field">
        Checkpoint every
        <input type="number" min={1} value={s.every} placeholder={String(TRAIN_DEFAULTS[s.encoder].checkpointEvery)} onChange={(e) => s.setEvery(e.target.value)} data-testid="train-every" />
      </label>
      <label className="field">
        Seed
        <input type="number" value={s.seed} onChange={(e) => s.setSeed(e.target.value)} />
      </label>
      <label className="field">
        Backend
        <select value={s.backend} onChange={(e) => s.setBackend(e.target.value as typeof s.backend)} title="best available: CUDA (if it really sees a GPU), then WebGPU on a real GPU, native CPU, wasm, cpu">
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
          <input type="checkbox" data-testid="train-software-gpu" checked={s.softwareGpu} disabled={s.backend !== 'webgpu'} onChange={(e) => s.setSoftwareGpu(e.target.checked)} />
          allow (slow)
        </span>
      </label>
      <label className="field">
        Training wells
        <select value={s.compounds} onChange={(e) => s.setCompounds(e.target.value as typeof s.compounds)} title="Wells of inactive compounds and ineffective doses look like DMSO and teach noise">
          <option value="active-wells">active compounds, active wells</option>
          <option value="active">active compounds, all doses</option>
          <option value="all">every treated well</option>
        </select>
      </label>
      <label className="field wide">
        Fine-tune from
        <select value={s.initFrom} onChange={(e) => s.setInitFrom(e.target.value)} data-testid="train-init">
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
  );
}
