// A train job whose model lives across the relay (what the Electron app does with its hidden compute
// window), over a real forked job process: the compute side here is the same TrainerServer the window
// runs, in this process on wasm, standing in for the window. Exercises the protocol, the host relay
// ('advanced' IPC carrying Float32Arrays), dispose on every ending, and the window's failures.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../../../main/core/db/open.js';
import { JobCancelledError, JobFailed, runJob, type JobHandle } from '../../../../main/core/jobs/host.js';
import { selectBackend } from '../../../../main/core/ml/backend.js';
import { errorReply, type TrainerMethod, type TrainerRelay, type TrainerRequest } from '../../../../main/core/ml/trainer-protocol.js';
import { TrainerServer, type OpenedBackend } from '../../../../main/core/ml/trainer-server.js';
import { exited } from '../../../helpers/kill.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { copyProject, makeTrainingProject } from '../../../helpers/training-project.js';

const dir = tmpDir('micon-remote-train-');
let project: string;
let wasmDetail = '';
beforeAll(async () => {
  project = await makeTrainingProject(dir);
  wasmDetail = (await selectBackend('wasm')).detail;
}, 240_000);

const base = { model: 'micon', encoder: 'features', batchCompounds: 8, seed: 3 };

/** The window's server on this process's wasm, with a log of the calls that reached it. */
function standIn(open: () => Promise<OpenedBackend> = async () => ({ ok: true, backend: 'wasm', detail: `stand-in window: ${wasmDetail}` })) {
  const server = new TrainerServer(open);
  const calls: TrainerMethod[] = [];
  const relay: TrainerRelay & { server: TrainerServer; calls: TrainerMethod[] } = {
    server,
    calls,
    call: (req: TrainerRequest) => {
      calls.push(req.call.method);
      return server.handle(req);
    },
  };
  return relay;
}

function storedLosses(file: string): { losses: number[]; backend: string } {
  const db = openProject(file);
  try {
    const m = db.prepare("SELECT backend, metrics FROM models WHERE name = 'micon'").get() as { backend: string; metrics: string };
    return { backend: m.backend, losses: (JSON.parse(m.metrics) as { losses: number[] }).losses };
  } finally {
    db.close();
  }
}

const until = async (what: string, ok: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('train job with a relayed Trainer (the compute window stand-in)', () => {
  it('gives the same losses, parameters and checkpoint steps as the job process training on its own wasm', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const localDb = copyProject(project, 'local');
    const remoteDb = copyProject(project, 'remote');
    const local = await runJob<{ loss: number; backend: string; steps: number }>('train', { ...base, db: localDb, steps: 6, checkpointEvery: 3, backend: 'wasm' }).done;
    const relay = standIn();
    const backends = new Set<string>();
    const remote = await runJob<{ loss: number; backend: string; steps: number; checkpoint: string }>(
      'train',
      { ...base, db: remoteDb, steps: 6, checkpointEvery: 3 },
      (p) => p.train && backends.add(p.train.backend),
      5000,
      { trainerRelay: relay },
    ).done;
    expect(remote.backend).toBe('wasm');
    expect([...backends]).toEqual(['wasm']);
    // Same backend, same seed, same batches: the far side computes bit for bit what the job would.
    expect(remote.loss).toBe(local.loss);
    const a = storedLosses(localDb);
    const b = storedLosses(remoteDb);
    expect(b.losses).toEqual(a.losses);
    expect(b.losses).toHaveLength(6);
    // open, init, 6 steps, 2 checkpoint snapshots + the export's, dispose from train(), dispose from the host.
    expect(relay.calls.filter((c) => c === 'step')).toHaveLength(6);
    expect(relay.calls.filter((c) => c === 'snapshot')).toHaveLength(3);
    expect(relay.calls.slice(0, 2)).toEqual(['open', 'init']);
    await until('the host to release the model', () => relay.calls.at(-1) === 'dispose' && relay.calls.filter((c) => c === 'dispose').length === 2);
    expect(relay.server.live).toBe(0);
  });

  it('the CNN encoder too: image batches cross the relay as Float32Arrays and train to the local losses', async () => {
    const cnn = { ...base, encoder: 'cnn', batchCompounds: 4, steps: 2, checkpointEvery: 2 };
    const localDb = copyProject(project, 'cnn-local');
    const remoteDb = copyProject(project, 'cnn-remote');
    await runJob('train', { ...cnn, db: localDb, backend: 'wasm' }).done;
    const relay = standIn();
    const r = await runJob<{ name: string; backend: string }>('train', { ...cnn, db: remoteDb }, undefined, 5000, { trainerRelay: relay }).done;
    expect(r).toMatchObject({ name: 'micon_cnn', backend: 'wasm' });
    const losses = (file: string) => {
      const db = openProject(file);
      try {
        return (JSON.parse((db.prepare("SELECT metrics FROM models WHERE name = 'micon_cnn'").get() as { metrics: string }).metrics) as { losses: number[] }).losses;
      } finally {
        db.close();
      }
    };
    expect(losses(remoteDb)).toEqual(losses(localDb));
    expect(relay.calls.filter((c) => c === 'step')).toHaveLength(2);
  });

  it('resumes across the relay to the losses of an uninterrupted relayed run', async () => {
    const whole = copyProject(project, 'whole');
    const split = copyProject(project, 'split');
    await runJob('train', { ...base, db: whole, steps: 6, checkpointEvery: 3 }, undefined, 5000, { trainerRelay: standIn() }).done;
    // Stop after the step-3 checkpoint, then resume through a fresh relay (a new window).
    await runJob('train', { ...base, db: split, steps: 3, checkpointEvery: 3 }, undefined, 5000, { trainerRelay: standIn() }).done;
    const r = await runJob<{ resumedFrom: number }>('train', { ...base, db: split, steps: 6, checkpointEvery: 3, resume: true }, undefined, 5000, { trainerRelay: standIn() }).done;
    expect(r.resumedFrom).toBe(3);
    expect(storedLosses(split).losses).toEqual(storedLosses(whole).losses);
  });

  it('cancel ends the job cancelled and frees the far side\'s model', async () => {
    const db = copyProject(project, 'cancel');
    const relay = standIn();
    let at = 0;
    const job: JobHandle = runJob(
      'train',
      { ...base, db, steps: 100_000, checkpointEvery: 1000 },
      (p) => {
        if (p.stage === 'train' && !at) {
          at = p.done;
          job.cancel();
        }
      },
      5000,
      { trainerRelay: relay },
    );
    await expect(job.done).rejects.toBeInstanceOf(JobCancelledError);
    await exited(job.process);
    expect(at).toBeGreaterThan(0);
    await until('the model to be disposed', () => relay.server.live === 0 && relay.calls.at(-1) === 'dispose');
  });

  it('a job process killed mid-training still has its model freed by the host', async () => {
    const db = copyProject(project, 'killed');
    const relay = standIn();
    const job: JobHandle = runJob('train', { ...base, db, steps: 100_000 }, (p) => p.stage === 'train' && job.process.kill('SIGKILL'), 5000, { trainerRelay: relay });
    await expect(job.done).rejects.toThrow(/SIGKILL/);
    await until('the model to be disposed', () => relay.server.live === 0 && relay.calls.at(-1) === 'dispose');
  });

  it('a compute window that dies mid-run fails the job with its reason', async () => {
    const db = copyProject(project, 'crash');
    const inner = standIn();
    let steps = 0;
    // What compute-window.ts answers once the window's renderer is gone.
    const relay: TrainerRelay = {
      call: async (req) => (req.call.method === 'step' && ++steps > 2 ? errorReply(req, 'the compute window crashed (render process gone: crashed, exit code 139); start the job again') : inner.call(req)),
    };
    const job = runJob('train', { ...base, db, steps: 50 }, undefined, 5000, { trainerRelay: relay });
    await expect(job.done).rejects.toBeInstanceOf(JobFailed);
    await expect(job.done).rejects.toThrow(/compute window crashed \(render process gone: crashed, exit code 139\)/);
    await until('the model to be disposed', () => inner.server.live === 0);
  });

  it('automatic backend: a window with only a software adapter is refused, the job trains on its own and says why', async () => {
    const reason = 'refused the software WebGPU adapter SwiftShader Device (Subzero) [software]: it emulates a GPU on the CPU';
    const relay = standIn(async () => ({ ok: false, reason }));
    const db = copyProject(project, 'refused');
    const r = await runJob<{ backend: string; computeWindow?: string }>('train', { ...base, db, steps: 2 }, undefined, 5000, { trainerRelay: relay }).done;
    expect(r.backend).not.toBe('webgpu');
    expect(r.computeWindow).toBe(`the compute window's WebGPU was not used: ${reason}`);
    // Nothing but the open (the host's closing dispose finds no model).
    expect(relay.calls.filter((c) => c !== 'dispose')).toEqual(['open']);
    expect(relay.server.live).toBe(0);
    // Asked for webgpu: the refusal is the job's (input) error.
    const asked = runJob('train', { ...base, db, steps: 2, backend: 'webgpu' }, undefined, 5000, { trainerRelay: relay });
    await expect(asked.done).rejects.toMatchObject({ input: true, message: `--backend webgpu: the compute window ${reason}` });
  });

  it('an explicit local backend never asks the window', async () => {
    const relay = standIn();
    const r = await runJob<{ backend: string }>('train', { ...base, db: copyProject(project, 'explicit'), steps: 2, backend: 'wasm' }, undefined, 5000, { trainerRelay: relay }).done;
    expect(r.backend).toBe('wasm');
    expect(relay.calls).toEqual([]);
  });
});
