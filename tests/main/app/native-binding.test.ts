import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindingCandidates, findBinding, isAbiMismatch, missingBindingMessage, nativeDirName, REBUILD_COMMAND } from '../../../main/app/native-binding.js';
import { electronBindingPath, nativeDirName as scriptDirName } from '../../../scripts/electron-native.mjs';

describe('Electron build of better-sqlite3: where it is looked for', () => {
  it('names the folder the same way as scripts/electron-native.mjs writes it', () => {
    for (const [v, p, a] of [
      ['45.4.1', 'linux', 'x64'],
      ['v46.0.0-beta.2', 'darwin', 'arm64'],
      ['45.4.1', 'win32', 'x64'],
    ]) {
      expect(nativeDirName(v, p, a)).toBe(scriptDirName(v, p, a));
    }
    const root = '/repo';
    const [dev] = bindingCandidates({ electronVersion: '45.4.1', platform: 'linux', arch: 'x64', appPath: root });
    expect(dev).toBe(electronBindingPath(root, '45.4.1', 'linux', 'x64'));
    expect(dev).toBe(path.join('/repo/resources/native/electron-45.4.1-linux-x64/better_sqlite3.node'));
  });

  it('tries the override, then packaged resources, then the unpacked app folder', () => {
    const c = bindingCandidates({
      electronVersion: '45.4.1',
      platform: 'linux',
      arch: 'x64',
      appPath: '/opt/micon/resources/app.asar',
      resourcesPath: '/opt/micon/resources',
      override: '/custom/b.node',
    });
    expect(c).toEqual([
      '/custom/b.node',
      '/opt/micon/resources/native/electron-45.4.1-linux-x64/better_sqlite3.node',
      '/opt/micon/resources/app.asar.unpacked/resources/native/electron-45.4.1-linux-x64/better_sqlite3.node',
    ]);
    const found = findBinding({ electronVersion: '45.4.1', platform: 'linux', arch: 'x64', appPath: '/repo', resourcesPath: '/r' }, (f) => f.startsWith('/repo'));
    expect(found.file).toBe('/repo/resources/native/electron-45.4.1-linux-x64/better_sqlite3.node');
    expect(findBinding({ electronVersion: '1', platform: 'linux', arch: 'x64', appPath: '/repo' }, () => false).file).toBeNull();
  });

  it('explains a missing build and names the command that fixes it', () => {
    const msg = missingBindingMessage('45.4.1', ['/a/better_sqlite3.node']);
    expect(REBUILD_COMMAND).toBe('npm run rebuild:electron');
    expect(msg).toContain(REBUILD_COMMAND);
    expect(msg).toContain('/a/better_sqlite3.node');
    expect(msg).toContain('Electron 45.4.1');
  });

  it('recognises ABI mismatches', () => {
    expect(
      isAbiMismatch(
        new Error(
          "The module 'better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 150.",
        ),
      ),
    ).toBe(true);
    expect(isAbiMismatch(new Error('SQLITE_CORRUPT: database disk image is malformed'))).toBe(false);
  });
});
