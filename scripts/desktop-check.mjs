// Desktop integration checks for `npm run dist:check` and its test (issue 19): the app's identity is
// the same in main/app/identity.ts, package.json and electron-builder.yml; the builder configuration
// names our icons and the `.micon` file association; and what electron-builder computed for the Linux
// packages (dist-check-build.mjs) installs a desktop entry, a MIME type and the icon set where desktops
// look for them.
import fs from 'node:fs';
import path from 'node:path';
import { BUILD, LINUX_SIZES, linuxIcon } from './icons-lib.mjs';

export const CATEGORIES = 'Science;Biology;Education;';
export const PROJECT_EXT = 'micon';

/** APP_ID, PRODUCT_NAME, PROJECT_MIME as main/app/identity.ts declares them (read as text: no TS here). */
export function readIdentity(root) {
  const src = fs.readFileSync(path.join(root, 'main', 'app', 'identity.ts'), 'utf8');
  const get = (name) => new RegExp(`export const ${name} = '([^']+)'`).exec(src)?.[1] ?? null;
  return { appId: get('APP_ID'), productName: get('PRODUCT_NAME'), mime: get('PROJECT_MIME') };
}

/** What is wrong with electron-builder.yml (parsed) and package.json against the app's identity. */
export function checkBuilderConfig(root, config, pkg) {
  const problems = [];
  const id = readIdentity(root);
  if (config.appId !== id.appId) problems.push(`electron-builder.yml: appId ${config.appId} differs from main/app/identity.ts APP_ID ${id.appId}`);
  for (const [where, name] of [
    ['electron-builder.yml productName', config.productName],
    ['package.json productName', pkg.productName],
  ]) {
    if (name !== id.productName) problems.push(`${where} is ${name}; main/app/identity.ts PRODUCT_NAME is ${id.productName}`);
  }
  if (pkg.desktopName !== `${pkg.name}.desktop`) problems.push(`package.json desktopName should be ${pkg.name}.desktop (the desktop entry's file and the window's WM class)`);
  if (config.directories?.buildResources !== BUILD) problems.push(`electron-builder.yml: directories.buildResources should be ${BUILD}`);
  const res = (f) => path.join(root, BUILD, f);
  if (config.linux?.icon !== 'icons' || !fs.existsSync(res('icons'))) problems.push(`electron-builder.yml: linux.icon should be "icons" (${BUILD}/icons)`);
  if (config.win?.icon !== 'icon.ico' || !fs.existsSync(res('icon.ico'))) problems.push(`electron-builder.yml: win.icon should be icon.ico (${BUILD}/icon.ico)`);
  if (config.mac?.icon !== 'icon.icns' || !fs.existsSync(res('icon.icns'))) problems.push(`electron-builder.yml: mac.icon should be icon.icns (${BUILD}/icon.icns)`);
  if (config.linux?.category !== CATEGORIES) problems.push(`electron-builder.yml: linux.category should be ${CATEGORIES}`);
  const assoc = (config.fileAssociations ?? []).find((a) => [a.ext].flat().includes(PROJECT_EXT));
  if (!assoc) problems.push(`electron-builder.yml: no fileAssociations entry for .${PROJECT_EXT}`);
  else if (assoc.mimeType !== id.mime) problems.push(`electron-builder.yml: the .${PROJECT_EXT} association's mimeType is ${assoc.mimeType}, expected ${id.mime}`);
  const uti = config.mac?.extendInfo?.UTExportedTypeDeclarations?.find((t) => t.UTTypeTagSpecification?.['public.filename-extension']?.includes(PROJECT_EXT));
  if (!uti) problems.push(`electron-builder.yml: mac.extendInfo declares no UTI for .${PROJECT_EXT}`);
  return problems;
}

/** The [Desktop Entry] group of a .desktop file as key → value. */
export function parseDesktopEntry(text) {
  const out = {};
  let inEntry = false;
  for (const line of text.split('\n')) {
    if (/^\[.*\]$/.test(line.trim())) inEntry = line.trim() === '[Desktop Entry]';
    else if (inEntry && line.includes('=')) out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return out;
}

/**
 * Check what the Linux packages install besides the app, captured under `captureRoot` (= "/"):
 * the desktop entry, the shared-mime-info file and every icon size, byte for byte ours.
 */
export function checkInstalledLayout(root, pkg, captureRoot) {
  const problems = [];
  const id = readIdentity(root);
  const exe = pkg.name;
  const at = (rel) => path.join(captureRoot, rel);
  const desktopFile = `/usr/share/applications/${exe}.desktop`;
  let entry = {};
  if (!fs.existsSync(at(desktopFile))) problems.push(`no desktop entry at ${desktopFile}`);
  else {
    entry = parseDesktopEntry(fs.readFileSync(at(desktopFile), 'utf8'));
    const want = { Name: id.productName, Type: 'Application', Categories: CATEGORIES, Icon: exe, StartupWMClass: exe };
    for (const [k, v] of Object.entries(want)) if (entry[k] !== v) problems.push(`${desktopFile}: ${k}=${entry[k] ?? '(missing)'}, expected ${v}`);
    if (!entry.Comment?.trim()) problems.push(`${desktopFile}: no Comment`);
    if (!(entry.MimeType ?? '').split(';').includes(id.mime)) problems.push(`${desktopFile}: MimeType=${entry.MimeType ?? '(missing)'} lacks ${id.mime}`);
    if (!/ %[UuFf]$/.test(entry.Exec ?? '')) problems.push(`${desktopFile}: Exec=${entry.Exec} does not pass the opened file (%U or %F)`);
  }
  const mimeFile = `/usr/share/mime/packages/${exe}.xml`;
  const mime = fs.existsSync(at(mimeFile)) ? fs.readFileSync(at(mimeFile), 'utf8') : null;
  if (!mime) problems.push(`no shared-mime-info file at ${mimeFile}`);
  else if (!mime.includes(`<mime-type type="${id.mime}">`) || !mime.includes(`<glob pattern="*.${PROJECT_EXT}"/>`)) problems.push(`${mimeFile} does not map *.${PROJECT_EXT} to ${id.mime}`);
  const icons = [];
  for (const s of LINUX_SIZES) {
    const rel = `/usr/share/icons/hicolor/${s}x${s}/apps/${exe}.png`;
    if (!fs.existsSync(at(rel))) problems.push(`no ${s}x${s} icon at ${rel}`);
    else if (!fs.readFileSync(at(rel)).equals(fs.readFileSync(path.join(root, linuxIcon(s))))) problems.push(`${rel} is not ${linuxIcon(s)}`);
    else icons.push(rel);
  }
  return { problems, desktopEntry: entry, mimeType: mime ? id.mime : null, icons };
}
