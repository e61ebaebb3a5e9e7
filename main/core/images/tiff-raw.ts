/**
 * Zero-decode path for the TIFFs microscopes actually write: uncompressed, one 8/16-bit unsigned
 * grey sample per pixel, in strips. libvips spends ~5 ms of CPU per 1080² frame on these (format
 * negotiation, colourspace, copies); here it is a file read plus a typed-array view. Anything else
 * (compression, tiles, floats, RGB) returns null and goes through sharp.
 */
export interface RawTiff {
  data: Uint16Array;
  width: number;
  height: number;
  bits: 8 | 16;
}

const TAG = { width: 256, height: 257, bits: 258, compression: 259, photometric: 262, stripOffsets: 273, samples: 277, stripByteCounts: 279, planar: 284, tileWidth: 322, sampleFormat: 339 };

export function readUncompressedTiff(buf: Buffer): RawTiff | null {
  if (buf.length < 8) return null;
  const le = buf[0] === 0x49 && buf[1] === 0x49;
  if (!le && !(buf[0] === 0x4d && buf[1] === 0x4d)) return null;
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  if (u16(2) !== 42) return null; // BigTIFF (43) goes to sharp
  const ifd = u32(4);
  if (ifd + 2 > buf.length) return null;
  const n = u16(ifd);
  if (ifd + 2 + n * 12 > buf.length) return null;
  const tags = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    const tag = u16(e);
    const type = u16(e + 2);
    const count = u32(e + 4);
    const size = type === 3 ? 2 : type === 4 ? 4 : 0;
    if (!size) continue; // only SHORT/LONG tags matter here
    const inline = size * count <= 4;
    const at = inline ? e + 8 : u32(e + 8);
    if (at + size * count > buf.length) return null;
    const values: number[] = [];
    for (let k = 0; k < count; k++) values.push(size === 2 ? u16(at + 2 * k) : u32(at + 4 * k));
    tags.set(tag, values);
  }
  const one = (t: number, dflt?: number) => tags.get(t)?.[0] ?? dflt;
  const width = one(TAG.width);
  const height = one(TAG.height);
  const bits = one(TAG.bits, 1);
  if (!width || !height || (bits !== 8 && bits !== 16)) return null;
  if (one(TAG.compression, 1) !== 1 || one(TAG.samples, 1) !== 1 || one(TAG.sampleFormat, 1) !== 1) return null;
  if (tags.has(TAG.tileWidth) || (one(TAG.photometric, 1) ?? 1) > 1) return null;
  const offsets = tags.get(TAG.stripOffsets);
  const counts = tags.get(TAG.stripByteCounts);
  if (!offsets || !counts || offsets.length !== counts.length) return null;
  const bytes = width * height * (bits / 8);
  let total = 0;
  for (let i = 0; i < offsets.length; i++) {
    if (offsets[i] + counts[i] > buf.length) return null; // truncated: let sharp give its error
    total += counts[i];
  }
  if (total < bytes) return null;
  const invert = one(TAG.photometric, 1) === 0; // WhiteIsZero
  const data = new Uint16Array(width * height);
  if (bits === 16) {
    const contiguous = offsets.every((o, i) => i === 0 || o === offsets[i - 1] + counts[i - 1]);
    if (le && contiguous && (buf.byteOffset + offsets[0]) % 2 === 0) {
      data.set(new Uint16Array(buf.buffer, buf.byteOffset + offsets[0], width * height));
    } else {
      let px = 0;
      for (let s = 0; s < offsets.length && px < data.length; s++) {
        for (let o = offsets[s], end = offsets[s] + counts[s]; o + 1 < end && px < data.length; o += 2) data[px++] = u16(o);
      }
    }
  } else {
    let px = 0;
    for (let s = 0; s < offsets.length && px < data.length; s++) {
      for (let o = offsets[s], end = offsets[s] + counts[s]; o < end && px < data.length; o++) data[px++] = buf[o];
    }
  }
  if (invert) {
    const max = bits === 16 ? 65535 : 255;
    for (let i = 0; i < data.length; i++) data[i] = max - data[i];
  }
  return { data, width, height, bits };
}
