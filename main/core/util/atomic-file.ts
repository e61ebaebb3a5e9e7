// One way to replace a file so a crash leaves the old version or the new one, never a torn file:
// write a temporary file in the same folder, fsync it, rename it over the target, fsync the folder.
// A process killed mid-write leaves its temporary behind (a dot file ending in .tmp, never read);
// the next write into that folder removes it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** `.<name>.<pid>.<8 hex>.tmp`: the temporary `writeFileAtomic` writes before the rename. */
const TEMPORARY = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the temporaries in `dir` left by writers that died before their rename (their process is
 * gone); a live writer's (this process included) are left alone. Returns the names removed.
 */
function removeStaleTemporaries(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    const m = TEMPORARY.exec(n);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    try {
      fs.rmSync(path.join(dir, n), { force: true });
      removed.push(n);
    } catch {
      /* someone else's file we may not remove: not ours to worry about */
    }
  }
  return removed;
}

export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  removeStaleTemporaries(dir);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  // The rename itself is durable only once the directory entry is flushed.
  try {
    const dfd = fs.openSync(dir, 'r');
    fs.fsyncSync(dfd);
    fs.closeSync(dfd);
  } catch {
    /* some filesystems refuse fsync on directories; the rename is still atomic */
  }
}
