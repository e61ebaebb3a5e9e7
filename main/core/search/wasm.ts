// The few pieces of the WebAssembly binary format the search kernels are assembled from. The kernels
// are tiny loops, so writing their bytes here spares the project a WAT toolchain and a build step.

const uleb = (v: number): number[] => {
  const o: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    o.push(b);
  } while (v);
  return o;
};

const sleb = (v: number): number[] => {
  const o: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) {
      o.push(b);
      return o;
    }
    o.push(b | 0x80);
  }
};

const str = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'ascii')];
const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];

// Instruction helpers over local indices.
export const get = (i: number): number[] => [0x20, i];
export const set = (i: number): number[] => [0x21, i];
export const tee = (i: number): number[] => [0x22, i];
export const i32 = (v: number): number[] => [0x41, ...sleb(v)];
export const simd = (op: number): number[] => [0xfd, ...uleb(op)];
/** v128.load at `offset` from the address on the stack (alignment hint 4 bytes). */
export const vload = (offset: number): number[] => [...simd(0x00), 2, ...uleb(offset)];
export const vzero: number[] = [...simd(0x0c), ...new Array<number>(16).fill(0)];

/**
 * A module importing memory `env.mem` (`shared`: a shared memory of at most `maxPages` pages) and
 * exporting one function `name` of `params` i32 parameters and no result, with `locals` (WebAssembly
 * local declarations: count, type pairs) and `code` as its body.
 */
export function kernelModule(o: { name: string; params: number; locals: number[]; code: number[]; shared?: { maxPages: number } }): Uint8Array<ArrayBuffer> {
  const body = [...o.locals, ...o.code];
  const limits = o.shared ? [0x03, 0x01, ...uleb(o.shared.maxPages)] : [0x00, 0x01];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, o.params, ...new Array<number>(o.params).fill(0x7f), 0]),
    ...section(2, [1, ...str('env'), ...str('mem'), 0x02, ...limits]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...str(o.name), 0x00, 0x00]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

/** Compile `bytes`, or null where this runtime lacks the features they use (SIMD, shared memory). */
export function compileOrNull(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  try {
    return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}
