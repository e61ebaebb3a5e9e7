#!/usr/bin/env node
// Child of package-check.mjs (`npm run dist:check`), so electron-builder's log (on stdout) goes to
// stderr: `node dist-check-build.mjs CONFIG.json CAPTURE_DIR`. Runs electron-builder's Linux `dir`
// target and its `deb` target up to the point where it would call fpm (which it downloads, and which
// cannot be downloaded here): electron-builder has then computed everything the package installs
// besides the app (desktop entry, MIME type file, icon set), as `src=/usr/share/…` pairs. Those files
// are copied to CAPTURE_DIR/root/usr/share/… (the layout the deb and the AppImage install) for the checks.
import fs from 'node:fs';
import path from 'node:path';
import eb from 'electron-builder';

const [configFile, captureDir] = process.argv.slice(2);
if (!configFile || !captureDir) {
  process.stderr.write('usage: dist-check-build.mjs CONFIG.json CAPTURE_DIR\n');
  process.exit(2);
}
let captured = false;
await eb.build({
  targets: eb.Platform.LINUX.createTarget(['dir', 'deb']),
  // A path, like the CLI's --config: an object would be merged over electron-builder.yml, bringing
  // back the fuses that a stand-in binary cannot take.
  config: configFile,
  publish: 'never',
  // Called by the deb target (FpmTarget) with fpm's arguments; true = do not run fpm.
  effectiveOptionComputed: async (o) => {
    if (!Array.isArray(o) || !Array.isArray(o[0])) return false;
    const installs = [];
    for (const a of o[0]) {
      const m = typeof a === 'string' ? /^(.+)=(\/usr\/share\/.+)$/.exec(a) : null;
      if (!m) continue;
      const dest = path.join(captureDir, 'root', m[2]);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(m[1], dest);
      installs.push(m[2]);
    }
    fs.writeFileSync(path.join(captureDir, 'installs.json'), JSON.stringify(installs, null, 2));
    captured = true;
    return true;
  },
});
if (!captured) {
  process.stderr.write('dist-check-build: the deb target never reached fpm (nothing captured)\n');
  process.exit(1);
}
