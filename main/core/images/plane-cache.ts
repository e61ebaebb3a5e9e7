// Decoded image planes for the well viewer, kept in memory between tile requests: a deep-zoom view
// asks for dozens of tiles of the same five files, and decoding a TIFF per tile would dominate.
// Bounded by bytes (not entries) because plate formats range from 512² to 2160² pixels.
import { decodeGrey16, type DecodedImage } from './decode.js';

export interface Plane extends DecodedImage {
  file: string;
}

export class PlaneCache {
  private readonly planes = new Map<string, Plane>();
  private readonly pending = new Map<string, Promise<Plane>>();
  private used = 0;

  constructor(readonly maxBytes = 512 * 1024 * 1024) {}

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.planes.size;
  }

  /** The decoded file; concurrent requests for one file share a single decode. */
  async get(file: string): Promise<Plane> {
    const hit = this.planes.get(file);
    if (hit) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.planes.delete(file);
      this.planes.set(file, hit);
      return hit;
    }
    const inFlight = this.pending.get(file);
    if (inFlight) return inFlight;
    const p = decodeGrey16(file).then(
      (img) => {
        this.pending.delete(file);
        const plane = { ...img, file };
        this.insert(plane);
        return plane;
      },
      (e: unknown) => {
        this.pending.delete(file);
        throw e;
      },
    );
    this.pending.set(file, p);
    return p;
  }

  clear(): void {
    this.planes.clear();
    this.used = 0;
  }

  private insert(plane: Plane): void {
    const size = plane.data.byteLength;
    // A plane larger than the whole budget is still served, just never kept.
    if (size > this.maxBytes) return;
    while (this.used + size > this.maxBytes) {
      const oldest = this.planes.keys().next().value as string;
      this.used -= this.planes.get(oldest)!.data.byteLength;
      this.planes.delete(oldest);
    }
    this.planes.set(plane.file, plane);
    this.used += size;
  }
}
