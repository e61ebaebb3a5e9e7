// The job process's end of a relayed Trainer: calls go to the parent over the fork IPC channel
// (`process.send`), replies come back as 'message' events; the parent (host.ts) forwards them to the
// compute side (Electron's hidden window). And the rule for when a train job uses it.
import { RemoteTrainer } from '../ml/remote-trainer.js';
import { TrainerRefused, TrainerReply, unwrapReply, type TrainerTransport } from '../ml/trainer-protocol.js';
import type { Trainer } from '../ml/trainer.js';
import { InputError } from '../types.js';

/** A transport to the parent for one job; `close()` stops listening (and fails what is pending). */
export function parentTransport(jobId: string): { send: TrainerTransport; close(): void } {
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const failAll = (why: string) => {
    for (const p of pending.values()) p.reject(new Error(why));
    pending.clear();
  };
  const onMessage = (raw: unknown) => {
    if ((raw as { type?: unknown })?.type !== 'trainer-reply') return;
    const r = TrainerReply.safeParse(raw);
    if (!r.success || r.data.jobId !== jobId) return;
    const p = pending.get(r.data.id);
    if (!p) return;
    pending.delete(r.data.id);
    try {
      p.resolve(unwrapReply(r.data));
    } catch (e) {
      p.reject(e as Error);
    }
  };
  const onDisconnect = () => failAll('the app that relays training to its compute window went away');
  process.on('message', onMessage);
  process.on('disconnect', onDisconnect);
  return {
    send: (call) =>
      new Promise((resolve, reject) => {
        if (!process.send || !process.connected) return reject(new Error('no IPC channel to the app (not started by a relaying host)'));
        const id = next++;
        pending.set(id, { resolve, reject });
        process.send({ type: 'trainer-call', jobId, id, call }, undefined, {}, (e) => {
          if (e && pending.delete(id)) reject(e);
        });
      }),
    close() {
      process.off('message', onMessage);
      process.off('disconnect', onDisconnect);
      failAll('the job ended');
    },
  };
}

/**
 * Whether a train job uses the compute side, decided in the job process: only when the user left
 * the backend to us (automatic) or asked for 'webgpu'. Automatic: the compute side's real adapter
 * wins; if it has none (or only a software one), the job trains here as without a relay, and `note`
 * says why. 'webgpu' asked for: no usable adapter is the job's error (an input error: the machine's).
 */
export async function chooseRemoteTrainer(
  send: TrainerTransport,
  backend: string | undefined,
  allowSoftware: boolean,
): Promise<{ trainer?: Trainer; note?: string }> {
  if (backend !== undefined && backend !== 'webgpu') return {};
  try {
    return { trainer: await RemoteTrainer.open(send, { allowSoftware }) };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (backend === 'webgpu') {
      if (e instanceof TrainerRefused) throw new InputError(`--backend webgpu: the compute window ${why}`);
      throw new Error(`--backend webgpu: the compute window failed: ${why}`, { cause: e });
    }
    return { note: `the compute window's WebGPU was not used: ${why}` };
  }
}
