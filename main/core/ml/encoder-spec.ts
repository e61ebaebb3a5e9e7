// The image encoder MICON trains, as data: one small CNN shared by the five channels, applied to each
// channel separately (as the paper applies its backbone per channel), per-channel outputs concatenated
// and L2-normalised. The same spec drives the tfjs forward pass (training), the ONNX exporter
// (inference with onnxruntime) and checkpoint (de)serialisation, so they cannot drift apart.
import * as tf from '@tensorflow/tfjs';

export interface ConvSpec {
  filters: number;
  kernel: number; // square kernel, 'same' padding
  stride: number;
}

export interface ImageEncoderSpec {
  /** Side of the square single-channel input the CNN sees (the cached site array is resized to it). */
  inputSize: number;
  /** Cell Painting channels, in CHANNELS order; the CNN weights are shared across them. */
  channels: number;
  convs: ConvSpec[];
  /** Output numbers per channel; the embedding has channels × perChannelDim numbers. */
  perChannelDim: number;
}

export const DEFAULT_IMAGE_ENCODER: ImageEncoderSpec = {
  inputSize: 64,
  channels: 5,
  convs: [
    { filters: 16, kernel: 3, stride: 2 },
    { filters: 32, kernel: 3, stride: 2 },
    { filters: 64, kernel: 3, stride: 2 },
  ],
  perChannelDim: 32,
};

/** Parameter names and shapes, in a fixed order (checkpoints and ONNX initialisers use these names). */
export function encoderParamShapes(spec: ImageEncoderSpec): [string, number[]][] {
  const out: [string, number[]][] = [];
  let cin = 1;
  spec.convs.forEach((c, i) => {
    out.push([`conv${i}/kernel`, [c.kernel, c.kernel, cin, c.filters]]);
    out.push([`conv${i}/bias`, [c.filters]]);
    cin = c.filters;
  });
  out.push(['dense/kernel', [cin, spec.perChannelDim]]);
  out.push(['dense/bias', [spec.perChannelDim]]);
  return out;
}

export type Params = Record<string, tf.Tensor>;

/**
 * Forward pass. `x`: [batch, channels, inputSize, inputSize] float32 (values 0..1, the cached arrays
 * scaled). Returns [batch, channels × perChannelDim], L2-normalised per row.
 * `conv` lets training swap in a Conv2D whose gradient the active backend supports.
 */
export function encodeImages(
  spec: ImageEncoderSpec,
  p: Params,
  x: tf.Tensor4D,
  conv: (x: tf.Tensor4D, w: tf.Tensor4D, stride: number) => tf.Tensor4D = (a, w, s) => tf.conv2d(a, w, s, 'same'),
): tf.Tensor2D {
  return tf.tidy(() => {
    const [b, c, h, w] = x.shape;
    // Each channel becomes its own single-channel image: [b*c, h, w, 1].
    let y: tf.Tensor4D = x.reshape([b * c, h, w, 1]);
    spec.convs.forEach((cs, i) => {
      y = tf.relu(tf.add(conv(y, p[`conv${i}/kernel`] as tf.Tensor4D, cs.stride), p[`conv${i}/bias`])) as tf.Tensor4D;
    });
    const pooled = tf.mean(y, [1, 2]) as tf.Tensor2D; // global average pool: [b*c, filters]
    const per = tf.add(tf.matMul(pooled, p['dense/kernel'] as tf.Tensor2D), p['dense/bias']) as tf.Tensor2D;
    const cat = per.reshape([b, c * spec.perChannelDim]) as tf.Tensor2D;
    return tf.div(cat, tf.add(tf.norm(cat, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D;
  });
}

export function embeddingDim(spec: ImageEncoderSpec): number {
  return spec.channels * spec.perChannelDim;
}
