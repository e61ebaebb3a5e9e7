// A second thread for the int8 scan. Search is synchronous (the API handler, CLI and tests call it
// directly), so the helper is driven through shared memory and Atomics rather than messages: the
// caller posts a row range, scans its own part, then blocks until the helper's part is done. The
// helper is a few lines of plain JavaScript evaluated in a worker — nothing to bundle or resolve.
import { Worker } from 'node:worker_threads';

const WORKER = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl } = workerData;
const dots = new WebAssembly.Instance(module, { env: { mem: memory } }).exports.dots8;
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, 0, seen);
  seen = Atomics.load(ctrl, 0);
  if (seen < 0) break;
  dots(ctrl[2], ctrl[3], ctrl[4], ctrl[5], ctrl[6]);
  Atomics.store(ctrl, 1, seen);
  Atomics.notify(ctrl, 1);
}
`;

/** How long a caller waits for the helper before doing its part itself (a helper that died or never started). */
const PATIENCE_MS = 10_000;

export class ScanHelper {
  // [0] job sequence (−1: stop), [1] last job done, [2..6] the kernel's arguments.
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(8 * 4));
  private readonly worker: Worker;
  private seq = 0;
  private alive = true;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory) {
    this.worker = new Worker(WORKER, { eval: true, workerData: { module, memory, ctrl: this.ctrl } });
    this.worker.unref(); // an idle helper never keeps the process alive
    this.worker.on('error', () => (this.alive = false));
    this.worker.on('exit', () => (this.alive = false));
  }

  /** Whether jobs can still be posted. */
  get ready(): boolean {
    return this.alive;
  }

  /** Start `dots8(x, q, out, n, xbytes)` on the helper thread. */
  start(args: [number, number, number, number, number]): void {
    this.ctrl.set(args, 2);
    Atomics.store(this.ctrl, 0, ++this.seq);
    Atomics.notify(this.ctrl, 0);
  }

  /** Block until the posted job is done; false if the helper did not answer in time (the caller redoes it). */
  wait(): boolean {
    const deadline = performance.now() + PATIENCE_MS;
    for (;;) {
      const done = Atomics.load(this.ctrl, 1);
      if (done === this.seq) return true;
      const left = deadline - performance.now();
      if (left <= 0 || !this.alive) {
        this.alive = false;
        return false;
      }
      Atomics.wait(this.ctrl, 1, done, Math.min(left, 100));
    }
  }

  close(): void {
    this.alive = false;
    Atomics.store(this.ctrl, 0, -1);
    Atomics.notify(this.ctrl, 0);
    void this.worker.terminate();
  }
}
