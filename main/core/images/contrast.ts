// Automatic display limits for one image plane: the 0.1st and 99.9th percentiles, from a full
// 65,536-bin histogram (exact for integer data, one pass, no sort). Microscopes record 12–16-bit
// data whose useful range is a small slice of 0–65535; shown as raw >> 8 it would look black.

export interface Limits {
  min: number;
  max: number;
}

const AUTO_LOW = 0.001;
const AUTO_HIGH = 0.999;

export function autoLimits(data: Uint16Array, low = AUTO_LOW, high = AUTO_HIGH): Limits {
  if (data.length === 0) return { min: 0, max: 1 };
  const hist = new Uint32Array(65536);
  for (let i = 0; i < data.length; i++) hist[data[i]]++;
  const lowRank = Math.floor(low * (data.length - 1));
  const highRank = Math.floor(high * (data.length - 1));
  let min = -1;
  let max = -1;
  for (let v = 0, seen = 0; v < 65536; v++) {
    seen += hist[v];
    if (min < 0 && seen > lowRank) min = v;
    if (seen > highRank) {
      max = v;
      break;
    }
  }
  // A flat image (all one value) still needs a non-empty window.
  return { min, max: Math.max(max, min + 1) };
}
