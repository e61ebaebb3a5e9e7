// Crash tests: run the real thing (a `micon` CLI process or a job process), SIGKILL it at a chosen
// moment, then look at what it left. Shared by the kill -9 tests of training, ingest, embedding and
// export. Kills are tied to something the process did (a progress event, a file it created), not to a
// sleep, so they land at the same point of the work on a fast machine and on a loaded one.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openProject, type DB } from '../../main/core/db/open.js';
import { runJob } from '../../main/core/jobs/host.js';
import type { JobKind, Progress } from '../../main/core/jobs/protocol.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `node --import tsx main/cli.ts ARGS…` as [command, args] for spawn/execFile (run from the repository root). */
export const cli = (...args: string[]) => [process.execPath, ['--import', 'tsx', 'main/cli.ts', ...args]] as const;

const execFileP = promisify(execFile);

/** Run `micon ARGS…` to the end; resolves with its stdout, rejects (with code, stdout, stderr) on a non-zero exit. */
export async function runCli(...args: string[]): Promise<string> {
  const [node, a] = cli(...args);
  return (await execFileP(node, [...a], { cwd: root, maxBuffer: 1 << 24 })).stdout;
}

/** Start `micon ARGS…`, stderr collected in `stderr()`. */
export function spawnCli(...args: string[]): { child: ChildProcess; stderr: () => string } {
  const [node, a] = cli(...args);
  const child = spawn(node, a, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return { child, stderr: () => err };
}

/** How a process ended (immediately if it already has). */
export const exited = (p: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) resolve({ code: p.exitCode, signal: p.signalCode });
    else p.once('exit', (code, signal) => resolve({ code, signal }));
  });

export async function waitFor<T>(what: string, f: () => T | undefined, ms = 60_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Open a project the way the app does and fail unless SQLite finds it intact (pages and foreign keys). */
export function openIntact(file: string): DB {
  const db = openProject(file);
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`${file}: integrity_check says ${String(integrity)}`);
    const fk = db.pragma('foreign_key_check') as unknown[];
    if (fk.length) throw new Error(`${file}: foreign_key_check found ${fk.length} dangling rows, e.g. ${JSON.stringify(fk[0])}`);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * Run a job in its own process and SIGKILL that process on the first progress event `when` accepts.
 * Resolves once the process is dead, with the event it was killed on and every event seen; throws if
 * the job ended any other way (finished before the kill point, failed, never reached it).
 */
export async function killJobOn(kind: JobKind, params: Record<string, unknown>, when: (p: Progress) => boolean): Promise<{ at: Progress; seen: Progress[] }> {
  const seen: Progress[] = [];
  let at: Progress | undefined;
  const job = runJob(kind, params, (p) => {
    seen.push(p);
    if (!at && when(p)) {
      at = p;
      job.process.kill('SIGKILL');
    }
  });
  const outcome = await job.done.then(
    () => 'finished',
    (e: Error) => e.message,
  );
  const end = await exited(job.process);
  const last = seen.at(-1);
  if (!at) throw new Error(`${kind} job ended (${outcome}) without reaching the kill point; last progress: ${JSON.stringify(last)}`);
  if (end.signal !== 'SIGKILL' || !/SIGKILL/.test(outcome)) {
    throw new Error(`${kind} job was to die by SIGKILL at ${JSON.stringify(at)} but ended ${JSON.stringify(end)}: ${outcome}`);
  }
  return { at, seen };
}
