import type { MiconConfig } from './config.js';
import { exportFeatureHeadOnnx, exportImageEncoderOnnx, type Weights } from './onnx-export.js';

/**
 * The image side of a trained model as ONNX: the per-channel CNN, or the feature head (whose
 * parameters are named feat{i}/… in the model and head/dense{i}/… in the exporter).
 */
export function exportModelOnnx(config: MiconConfig, params: Weights): Uint8Array {
  const e = config.imageEncoder;
  if (e.kind === 'cnn') return exportImageEncoderOnnx(e.spec, params);
  const weights: Weights = {};
  for (const [k, v] of Object.entries(params)) {
    const m = /^feat(\d+)\/(kernel|bias)$/.exec(k);
    if (m) weights[`head/dense${m[1]}/${m[2]}`] = v;
  }
  if (e.residualRank) return exportFeatureHeadOnnx({ inputDim: e.inputDim, units: [e.residualRank, e.inputDim], relu: true, normalise: true, residual: true }, weights);
  return exportFeatureHeadOnnx({ inputDim: e.inputDim, units: e.hidden ? [e.hidden, e.outDim] : [e.outDim], relu: true, normalise: true }, weights);
}
