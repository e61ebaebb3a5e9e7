// Where the Electron build of better-sqlite3 lives. Tests and the CLI run under Node's ABI and use
// node_modules/better-sqlite3; Electron has its own ABI and needs its own build, which
// scripts/electron-native.mjs writes to resources/native/<nativeDirName>/better_sqlite3.node.
// Keep nativeDirName in step with that script (a test checks both agree).
import fs from 'node:fs';
import path from 'node:path';

export const BINDING_FILE = 'better_sqlite3.node';

export function nativeDirName(electronVersion: string, platform: string, arch: string): string {
  return `electron-${electronVersion.replace(/^v/, '')}-${platform}-${arch}`;
}

export interface BindingLookup {
  electronVersion: string;
  platform: string;
  arch: string;
  /** app.getAppPath(): the project root in development (package.json "main" is out/main/index.js). */
  appPath: string;
  /** process.resourcesPath: where a packaged app ships extraResources (resources/native → native). */
  resourcesPath?: string;
  /** $MICON_SQLITE_BINDING, an explicit override. */
  override?: string;
}

/** The places looked in, best first. */
export function bindingCandidates(o: BindingLookup): string[] {
  const dir = nativeDirName(o.electronVersion, o.platform, o.arch);
  const out: string[] = [];
  if (o.override) out.push(path.resolve(o.override));
  if (o.resourcesPath) out.push(path.join(o.resourcesPath, 'native', dir, BINDING_FILE));
  // Inside an asar archive a .node file cannot be loaded; packaging unpacks resources/native.
  out.push(path.join(o.appPath.replace(/app\.asar$/, 'app.asar.unpacked'), 'resources', 'native', dir, BINDING_FILE));
  return [...new Set(out)];
}

export function findBinding(o: BindingLookup, exists: (f: string) => boolean = fs.existsSync): { file: string | null; looked: string[] } {
  const looked = bindingCandidates(o);
  return { file: looked.find((f) => exists(f)) ?? null, looked };
}

export const REBUILD_COMMAND = 'npm run rebuild:electron';

/** The error dialog's text when no Electron build of better-sqlite3 is found. */
export function missingBindingMessage(electronVersion: string, looked: readonly string[]): string {
  return [
    `MICON Studio keeps projects in SQLite through better-sqlite3, a native module. The copy in node_modules is built for Node (tests, CLI, browser mode); Electron ${electronVersion} needs its own build, and none was found.`,
    '',
    'Looked in:',
    ...looked.map((f) => `  ${f}`),
    '',
    'In the MICON Studio folder, run:',
    `  ${REBUILD_COMMAND}`,
    'then start the app again. (`npm start` falls back to browser mode, which needs no Electron build.)',
  ].join('\n');
}

/** A load failure that means "built for another runtime" (ABI mismatch), not a damaged project. */
export function isAbiMismatch(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  return /NODE_MODULE_VERSION|was compiled against a different Node\.js version|invalid ELF header|not a valid Win32 application|wrong ELF class/i.test(msg);
}
