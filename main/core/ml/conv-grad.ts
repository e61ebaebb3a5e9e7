// A Conv2D ('same' padding, NHWC, filter [k,k,cin,cout]) that can be trained on backends lacking the
// Conv2DBackpropFilter kernel — tfjs-backend-wasm 4.22 among them. The filter gradient is itself a
// convolution (channels as batch, output gradient as filter, dilated by the stride), and so is the input
// gradient; both use only kernels wasm has (PadV2, Transpose, Reverse, Slice, Conv2D).
import * as tf from '@tensorflow/tfjs';

export type Conv2DFn = (x: tf.Tensor4D, w: tf.Tensor4D, stride: number) => tf.Tensor4D;

/** TensorFlow's 'same' padding along one axis: output size and the (before, after) split of the padding. */
export function samePadding(size: number, k: number, stride: number): { out: number; before: number; after: number } {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + k - size, 0);
  const before = Math.floor(total / 2);
  return { out, before, after: total - before };
}

/**
 * dW[a,b,ci,co] = Σ_{n,i,j} xPad[n, i·s+a, j·s+b, ci] · dy[n,i,j,co]. Read with ci as the batch and n as
 * the channel, that is a valid convolution of xPad by dy with dilation s.
 */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, k: number, stride: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const ph = samePadding(h, k, stride);
    const pw = samePadding(w, k, stride);
    const xp = tf.pad(x, [[0, 0], [ph.before, ph.after], [pw.before, pw.after], [0, 0]]);
    const xs = tf.transpose(xp, [3, 1, 2, 0]); // [cin, Hp, Wp, N]
    const f = tf.transpose(dy, [1, 2, 0, 3]); // [outH, outW, N, cout]
    // tfjs allows dilation > 1 only with stride 1, which is the case here.
    const g = tf.conv2d(xs, f, 1, 'valid', 'NHWC', stride);
    // With k < stride the padded input reaches beyond the last window; those rows belong to no tap.
    const cropped = g.shape[1] === k && g.shape[2] === k ? g : tf.slice(g, [0, 0, 0, 0], [-1, k, k, -1]);
    return tf.transpose(cropped, [1, 2, 0, 3]); // [k, k, cin, cout]
  });
}

/**
 * dx of a 'same' conv, as a stride-1 conv of the zero-dilated, padded dy with the flipped, in/out-swapped
 * filter. Same result as tf.conv2dTranspose, but the wasm backend runs Conv2D through XNNPACK while its
 * Conv2DBackpropInput is a plain loop (measured ~10× slower on the default encoder's last layer).
 */
export function conv2dInputGrad(dy: tf.Tensor4D, w: tf.Tensor4D, xShape: [number, number, number, number], stride: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, oh, ow, cout] = dy.shape;
    const k = w.shape[0];
    const [, h, wd] = xShape;
    const ph = samePadding(h, k, stride);
    const pw = samePadding(wd, k, stride);
    // Zero-dilate dy by the stride, then pad so a stride-1 valid conv lands on x's grid. The needed
    // padding is ≥ 0 on both sides (before ≤ k−1; (out−1)·stride < size, see samePadding).
    const top = k - 1 - ph.before;
    const left = k - 1 - pw.before;
    let bottom = h + ph.before - (oh - 1) * stride - 1;
    let right = wd + pw.before - (ow - 1) * stride - 1;
    let d: tf.Tensor4D = dy;
    if (stride > 1) {
      // Zeros after every row and column; the trailing stride−1 count toward bottom/right padding.
      const s1 = stride - 1;
      const up = tf.pad(dy.reshape([n, oh, 1, ow, 1, cout]), [[0, 0], [0, 0], [0, s1], [0, 0], [0, s1], [0, 0]]);
      d = up.reshape([n, oh * stride, ow * stride, cout]);
      bottom -= s1;
      right -= s1;
      if (bottom < 0 || right < 0) {
        d = tf.slice(d, [0, 0, 0, 0], [-1, oh * stride + Math.min(bottom, 0), ow * stride + Math.min(right, 0), -1]);
        bottom = Math.max(bottom, 0);
        right = Math.max(right, 0);
      }
    }
    const padded = top || bottom || left || right ? tf.pad(d, [[0, 0], [top, bottom], [left, right], [0, 0]]) : d;
    const flipped = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D; // [k, k, cout, cin]
    return tf.conv2d(padded, flipped, 1, 'valid');
  });
}

/** Conv2D with an explicit gradient built from plain convolutions (conv2dInputGrad, conv2dFilterGrad). */
export const conv2dTrainable: Conv2DFn = (x, w, stride) => {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x4, w4, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([x4, w4]);
    return {
      value: tf.conv2d(x4, w4, stride, 'same'),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [conv2dInputGrad(dy, ws, xs.shape, stride), conv2dFilterGrad(xs, dy, ws.shape[0], stride)];
      },
    };
  });
  return f(x, w) as tf.Tensor4D;
};

/**
 * conv2dTrainable for a conv whose input is data (the first layer): its input gradient is never used,
 * so it is returned as zeros instead of computed — about a sixth of the wasm backward pass on the default
 * encoder. Do not use where gradients with respect to the images are wanted.
 */
export const conv2dTrainableDataInput: Conv2DFn = (x, w, stride) => {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x4, w4, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([x4, w4]);
    return {
      value: tf.conv2d(x4, w4, stride, 'same'),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [tf.zerosLike(xs), conv2dFilterGrad(xs, dy, ws.shape[0], stride)];
      },
    };
  });
  return f(x, w) as tf.Tensor4D;
};

/** The backend's own conv2d (its gradient kernels are all there) — faster wherever it can train. */
export const conv2dBuiltin: Conv2DFn = (x, w, stride) => tf.conv2d(x, w, stride, 'same');

/** The Conv2D to train with on `backend` (default: the active one). */
export function trainableConv2d(backend: string = tf.getBackend()): Conv2DFn {
  return tf.getKernel('Conv2DBackpropFilter', backend) ? conv2dBuiltin : conv2dTrainable;
}
