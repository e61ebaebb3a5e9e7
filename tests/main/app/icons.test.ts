// The app icon (issue 19): resources/icon.svg and what `npm run icons` makes from it. Kept under
// tests/main/app (the unit project's include) with the other launch-path scripts.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ico } from '@fiahfy/ico';
import { Icns } from '@fiahfy/icns';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { BUILD, FAVICON, ICO_SIZES, ICNS_TYPES, LINUX_SIZES, MANIFEST, SOURCE, WINDOW_ICON, checkIcons, linuxIcon } from '../../../scripts/icons-lib.mjs';
import { tmpDir } from '../../helpers/tmp-dir.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function rgba(buf: Buffer): Promise<{ data: Buffer; width: number }> {
  const { data, info } = await sharp(buf).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width };
}

/** Pixels (opaque enough to see) whose colour is within `tol` of `rgb`, per channel. */
function countNear(data: Buffer, rgb: [number, number, number], tol = 48): number {
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 128 && Math.abs(data[i] - rgb[0]) <= tol && Math.abs(data[i + 1] - rgb[1]) <= tol && Math.abs(data[i + 2] - rgb[2]) <= tol) n++;
  }
  return n;
}

describe('the icon set', () => {
  it('is committed, decodes, has every size, and was made from the SVG in the repo', async () => {
    expect(await checkIcons(root)).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(root, MANIFEST), 'utf8')) as { files: string[] };
    expect(manifest.files).toEqual(expect.arrayContaining([...LINUX_SIZES.map(linuxIcon), `${BUILD}/icon.ico`, `${BUILD}/icon.icns`, FAVICON, WINDOW_ICON]));
  });

  it('reads at 16 px: the four wells keep their colours on the dark plate', async () => {
    const { data, width } = await rgba(fs.readFileSync(path.join(root, linuxIcon(16))));
    expect(width).toBe(16);
    const lum: number[] = [];
    for (let i = 0; i < data.length; i += 4) lum.push(0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2]);
    const mean = lum.reduce((a, b) => a + b, 0) / lum.length;
    const sd = Math.sqrt(lum.reduce((a, b) => a + (b - mean) ** 2, 0) / lum.length);
    // Not blank and not a uniform blur: strong contrast between wells and plate.
    expect(sd).toBeGreaterThan(25);
    // Each well is still several pixels of its own colour (DNA blue, ER green, Mito red, the cell's yellow).
    expect(countNear(data, [0x3b, 0x82, 0xf6])).toBeGreaterThanOrEqual(4);
    expect(countNear(data, [0x22, 0xc5, 0x5e])).toBeGreaterThanOrEqual(4);
    expect(countNear(data, [0xef, 0x44, 0x44])).toBeGreaterThanOrEqual(4);
    expect(countNear(data, [0xf2, 0xb3, 0x3d], 60)).toBeGreaterThanOrEqual(2);
    // And the plate itself is most of what is left.
    expect(countNear(data, [0x17, 0x21, 0x2b], 24)).toBeGreaterThanOrEqual(40);
  });

  it('the .ico and .icns hold the same pictures as the PNG set', async () => {
    const ico = Ico.from(fs.readFileSync(path.join(root, BUILD, 'icon.ico')));
    expect(ico.infoHeaders.map((h) => h.width || 256)).toEqual(ICO_SIZES);
    // The 16 px bitmap (bottom-up BGRA) against the 16 px PNG.
    const img = ico.images[0];
    const png16 = (await rgba(fs.readFileSync(path.join(root, linuxIcon(16))))).data;
    let diff = 0;
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) {
        const b = ((15 - y) * 16 + x) * 4;
        const p = (y * 16 + x) * 4;
        diff = Math.max(diff, Math.abs(img.xor[b + 2] - png16[p]), Math.abs(img.xor[b + 1] - png16[p + 1]), Math.abs(img.xor[b] - png16[p + 2]), Math.abs(img.xor[b + 3] - png16[p + 3]));
      }
    }
    expect(diff).toBeLessThanOrEqual(1);

    const icns = Icns.from(fs.readFileSync(path.join(root, BUILD, 'icon.icns')));
    expect(icns.images.map((i) => i.osType)).toEqual(Object.keys(ICNS_TYPES));
    const ic07 = icns.images.find((i) => i.osType === 'ic07')!;
    expect(ic07.image.equals(fs.readFileSync(path.join(root, linuxIcon(128))))).toBe(true);
  });

  it('the browser page and the Electron window use it', () => {
    expect(fs.readFileSync(path.join(root, FAVICON)).equals(fs.readFileSync(path.join(root, SOURCE)))).toBe(true);
    expect(fs.readFileSync(path.join(root, 'renderer', 'index.html'), 'utf8')).toContain('<link rel="icon" type="image/svg+xml" href="./favicon.svg" />');
    expect(fs.readFileSync(path.join(root, WINDOW_ICON)).equals(fs.readFileSync(path.join(root, linuxIcon(256))))).toBe(true);
  });

  it('the check fails on a changed SVG, a damaged .ico and a missing size', async () => {
    const copy = tmpDir('micon-icons-');
    for (const rel of [SOURCE, MANIFEST, FAVICON, WINDOW_ICON, `${BUILD}/icon.ico`, `${BUILD}/icon.icns`, ...LINUX_SIZES.map(linuxIcon)]) {
      fs.mkdirSync(path.dirname(path.join(copy, rel)), { recursive: true });
      fs.copyFileSync(path.join(root, rel), path.join(copy, rel));
    }
    expect(await checkIcons(copy)).toEqual([]);
    fs.appendFileSync(path.join(copy, SOURCE), '<!-- edited -->\n');
    fs.writeFileSync(path.join(copy, BUILD, 'icon.ico'), fs.readFileSync(path.join(root, BUILD, 'icon.ico')).subarray(0, 40));
    fs.rmSync(path.join(copy, linuxIcon(48)));
    const problems = await checkIcons(copy);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/icons\.json: the icons were made from another resources\/icon\.svg/),
        expect.stringMatching(/favicon\.svg differs/),
        expect.stringMatching(/icon\.ico/),
        expect.stringMatching(/48x48\.png is missing/),
      ]),
    );
  });
});
