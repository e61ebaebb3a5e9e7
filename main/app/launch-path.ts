// The project file the operating system asks the app to open, as plain functions (no electron import):
// a double-clicked `.micon` arrives as a command-line argument on Linux and Windows (at launch, or in
// the 'second-instance' event when the app already runs) and as 'open-file' events on macOS (which
// may come before the app is ready). Whatever arrives goes through the Project view's own
// `project.open` handler, so a file that is not a MICON project is refused and left untouched.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Our options that take the next argument as their value (`--project FILE`, project-choice.ts). */
const VALUE_OPTIONS = new Set(['--project']);

/**
 * The first file named on a command line, absolute (relative names against `cwd`), or null.
 * `argv[0]` is the executable; an unpackaged app runs as `electron <app>` (`skipApp`), so argv[1] is
 * the app, not a file. Options (`--x`, `--x=y`, Chromium's switches, macOS's `-psn_…`) are skipped;
 * after `--` everything is a file. Linux desktop entries pass `%U`, which file managers may fill
 * with `file://` URLs; other URLs are not files and are skipped.
 */
export function launchPathFromArgv(argv: readonly string[], o: { cwd: string; skipApp: boolean }): string | null {
  let onlyFiles = false;
  for (let i = o.skipApp ? 2 : 1; i < argv.length; i++) {
    const a = argv[i];
    if (!a) continue;
    if (!onlyFiles && a === '--') {
      onlyFiles = true;
      continue;
    }
    if (!onlyFiles && a.startsWith('-')) {
      if (VALUE_OPTIONS.has(a)) i++;
      continue;
    }
    if (/^file:\/\//i.test(a)) {
      try {
        return fileURLToPath(a);
      } catch {
        continue; // file://host/… (a remote host) has no local path
      }
    }
    if (/^[a-z][a-z0-9+.-]+:\/\//i.test(a)) continue;
    return path.resolve(o.cwd, a);
  }
  return null;
}

/**
 * Paths to open, in arrival order. Until `start`, a request waits (macOS sends 'open-file' before the
 * app is ready, when there is no project session to open it with); only the latest waiting one is kept,
 * as the user's last double-click is the one they mean. After `start`, each is handled at once.
 */
export class LaunchRequests {
  private waiting: string | null = null;
  private handler: ((file: string) => void) | null = null;

  push(file: string): void {
    if (this.handler) this.handler(file);
    else this.waiting = file;
  }

  /** The request waiting for `start`, if any (the app may start with it as its first project). */
  peek(): string | null {
    return this.waiting;
  }

  /** Handle requests from now on; returns the one that waited, if any (the caller opens it first). */
  start(handler: (file: string) => void): string | null {
    this.handler = handler;
    const w = this.waiting;
    this.waiting = null;
    return w;
  }
}

export type LaunchOutcome = { ok: true; file: string } | { ok: false; file: string; message: string };

/**
 * Open `file` the way the Project view does. The OS named the file (a user's double-click, like a
 * drop on the window), so its folder joins the session's folders first; then `open` is the
 * `project.open` handler, which refuses (InputError) a missing file, a folder, anything that is not a
 * MICON project (inspected before anything is written) and a switch while a job runs.
 */
export async function openLaunchPath(file: string, deps: { grant(folder: string): void; open(file: string): unknown }): Promise<LaunchOutcome> {
  try {
    deps.grant(path.dirname(file));
    await deps.open(file);
    return { ok: true, file };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, file, message: msg.includes(file) ? msg : `${file}: ${msg}` };
  }
}
