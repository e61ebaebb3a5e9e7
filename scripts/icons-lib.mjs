// The app icon: one SVG (resources/icon.svg) and every file made from it, for `npm run icons`
// (writes them), its test and `npm run dist:check` (check them). Each size is rendered from the SVG by
// sharp (not scaled down from a large PNG), so 16 px is drawn at 16 px. The .ico and .icns containers
// are written by @fiahfy/ico and @fiahfy/icns: the .ico holds classic bitmaps (NSIS refuses
// PNG-compressed entries in some versions), the .icns PNG entries.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export const SOURCE = 'resources/icon.svg';
/** electron-builder's buildResources (electron-builder.yml): icon.ico, icon.icns, icons/NxN.png. */
export const BUILD = 'resources/build';
export const MANIFEST = `${BUILD}/icons.json`;
/** Linux icon set: electron-builder reads NxN.png from this folder into hicolor/NxN/apps. */
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** OSType → pixel size; the @2x types (ic11–ic14) are what Retina screens read. */
export const ICNS_TYPES = { icp4: 16, icp5: 32, icp6: 64, ic07: 128, ic08: 256, ic09: 512, ic10: 1024, ic11: 32, ic12: 64, ic13: 256, ic14: 512 };
/** The browser page's favicon (the SVG itself) and the Electron window's icon, both in out/renderer. */
export const FAVICON = 'renderer/public/favicon.svg';
export const WINDOW_ICON = 'renderer/public/icon.png';
export const WINDOW_ICON_SIZE = 256;

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
export const linuxIcon = (size) => `${BUILD}/icons/${size}x${size}.png`;

/** The SVG drawn at `size` px, as PNG. */
export async function renderPng(svg, size) {
  const sharp = require('sharp');
  // The SVG is 64 units wide: render at the density that makes it `size` px, so nothing is resampled.
  return sharp(svg, { density: (72 * size) / 64 })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** Every generated file (path relative to the repo root → content). */
export async function buildIcons(root) {
  const { Ico, IcoImage } = require('@fiahfy/ico');
  const { Icns, IcnsImage } = require('@fiahfy/icns');
  const svg = fs.readFileSync(path.join(root, SOURCE));
  const sizes = [...new Set([...LINUX_SIZES, ...ICO_SIZES, ...Object.values(ICNS_TYPES), WINDOW_ICON_SIZE])];
  const png = new Map();
  for (const s of sizes) png.set(s, await renderPng(svg, s));

  const out = new Map();
  for (const s of LINUX_SIZES) out.set(linuxIcon(s), png.get(s));
  const ico = new Ico();
  for (const s of ICO_SIZES) ico.append(IcoImage.fromPNG(png.get(s)));
  out.set(`${BUILD}/icon.ico`, ico.data);
  const icns = new Icns();
  for (const [type, s] of Object.entries(ICNS_TYPES)) icns.append(IcnsImage.fromPNG(png.get(s), type));
  out.set(`${BUILD}/icon.icns`, icns.data);
  out.set(WINDOW_ICON, png.get(WINDOW_ICON_SIZE));
  out.set(FAVICON, svg);
  // Records which SVG the files were made from: a changed SVG without `npm run icons` fails the checks.
  const manifest = { source: SOURCE, sourceSha256: sha256(svg), generatedBy: 'npm run icons', files: [...out.keys()].sort() };
  out.set(MANIFEST, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  return out;
}

/**
 * What is wrong with the committed icon files (empty when nothing): missing files, files made from
 * another SVG, files that do not decode or have the wrong size.
 */
export async function checkIcons(root) {
  const sharp = require('sharp');
  const { Ico } = require('@fiahfy/ico');
  const { Icns } = require('@fiahfy/icns');
  const problems = [];
  const read = (rel) => {
    try {
      return fs.readFileSync(path.join(root, rel));
    } catch {
      problems.push(`${rel} is missing (run npm run icons)`);
      return null;
    }
  };
  const svg = read(SOURCE);
  const manifestBuf = read(MANIFEST);
  if (!svg || !manifestBuf) return problems;
  const manifest = JSON.parse(manifestBuf.toString('utf8'));
  if (manifest.sourceSha256 !== sha256(svg)) problems.push(`${MANIFEST}: the icons were made from another ${SOURCE} (run npm run icons)`);
  const favicon = read(FAVICON);
  if (favicon && !favicon.equals(svg)) problems.push(`${FAVICON} differs from ${SOURCE} (run npm run icons)`);

  const pngOfSize = async (rel, buf, size) => {
    try {
      const m = await sharp(buf).metadata();
      if (m.format !== 'png' || m.width !== size || m.height !== size) problems.push(`${rel}: ${m.format} ${m.width}x${m.height}, expected a ${size}x${size} PNG`);
    } catch (e) {
      problems.push(`${rel}: does not decode (${e.message})`);
    }
  };
  for (const s of LINUX_SIZES) {
    const buf = read(linuxIcon(s));
    if (buf) await pngOfSize(linuxIcon(s), buf, s);
  }
  const win = read(WINDOW_ICON);
  if (win) await pngOfSize(WINDOW_ICON, win, WINDOW_ICON_SIZE);

  const icoBuf = read(`${BUILD}/icon.ico`);
  if (icoBuf) {
    try {
      const ico = Ico.from(icoBuf);
      // The directory says 0 for 256 px.
      const got = ico.infoHeaders.map((h) => h.width || 256);
      if (got.join() !== ICO_SIZES.join()) problems.push(`${BUILD}/icon.ico: sizes ${got.join(', ')}, expected ${ICO_SIZES.join(', ')}`);
      ico.images.forEach((img, i) => {
        if (img.xor.length !== img.header.width * (img.header.height / 2) * 4) problems.push(`${BUILD}/icon.ico: image ${i} has ${img.xor.length} bytes of pixels for ${img.header.width} px`);
      });
    } catch (e) {
      problems.push(`${BUILD}/icon.ico: does not decode (${e.message})`);
    }
  }
  const icnsBuf = read(`${BUILD}/icon.icns`);
  if (icnsBuf) {
    try {
      const icns = Icns.from(icnsBuf);
      const types = icns.images.map((i) => i.osType);
      if (types.join() !== Object.keys(ICNS_TYPES).join()) problems.push(`${BUILD}/icon.icns: types ${types.join(', ')}, expected ${Object.keys(ICNS_TYPES).join(', ')}`);
      for (const img of icns.images) if (ICNS_TYPES[img.osType]) await pngOfSize(`${BUILD}/icon.icns ${img.osType}`, img.image, ICNS_TYPES[img.osType]);
    } catch (e) {
      problems.push(`${BUILD}/icon.icns: does not decode (${e.message})`);
    }
  }
  return problems;
}
