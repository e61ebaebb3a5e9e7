// Is Electron runnable here? Used by `npm start`, postinstall and `npm run rebuild:electron`.
//
// It never loads the `electron` package: electron's index.js (v45) starts a binary download when
// the binary is missing, which must not happen from `npm start` on a machine without internet.
// It reads electron/package.json and path.txt (written by electron's install script once the
// binary is unpacked) instead, exactly as electron's own index.js would find the binary.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const BINARY_BY_PLATFORM = { darwin: 'Electron.app/Contents/MacOS/Electron', win32: 'electron.exe' };

/** Version of an installed package (read from its package.json, never loaded), or null. */
export function packageVersion(name, { root = projectRoot } = {}) {
  try {
    const file = createRequire(path.join(root, 'package.json')).resolve(`${name}/package.json`);
    return JSON.parse(fs.readFileSync(file, 'utf8')).version ?? null;
  } catch {
    return null;
  }
}

/**
 * { installed, packageInstalled, version?, dir?, binary?, reason, summary }. `installed` means the
 * package and its binary are both there; `reason` is one human line either way, `summary` a short
 * clause for "no Electron binary installed (<summary>)".
 */
export function detectElectron({ root = projectRoot, env = process.env, platform = process.platform } = {}) {
  let pkgFile;
  try {
    pkgFile = createRequire(path.join(root, 'package.json')).resolve('electron/package.json');
  } catch {
    return {
      installed: false,
      packageInstalled: false,
      reason: 'the electron package is not installed (it is an optional dependency, and npm drops it when its binary cannot be downloaded)',
      summary: 'the electron package could not download it on this machine',
    };
  }
  const dir = path.dirname(pkgFile);
  let version;
  try {
    version = JSON.parse(fs.readFileSync(pkgFile, 'utf8')).version ?? null;
  } catch {
    version = null;
  }
  const label = `electron ${version ?? '(unknown version)'}`;
  let rel;
  try {
    rel = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim() || null;
  } catch {
    rel = null;
  }
  let binary;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    binary = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, rel ?? BINARY_BY_PLATFORM[platform] ?? 'electron');
  } else if (!rel) {
    return {
      installed: false,
      packageInstalled: true,
      version,
      dir,
      reason: `${label} is installed but its binary was never downloaded (no path.txt; run \`node node_modules/electron/install.js\` where the download host is reachable)`,
      summary: `${label} is installed but its binary was never downloaded`,
    };
  } else {
    binary = path.join(dir, 'dist', rel);
  }
  if (!fs.existsSync(binary)) {
    return {
      installed: false,
      packageInstalled: true,
      version,
      dir,
      binary,
      reason: `${label} is installed but its binary is missing at ${binary}`,
      summary: `${label} is installed but its binary is missing`,
    };
  }
  return { installed: true, packageInstalled: true, version, dir, binary, reason: `${label} at ${binary}`, summary: label };
}
