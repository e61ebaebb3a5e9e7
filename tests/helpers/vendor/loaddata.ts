import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Fixture, type FixtureImage, type FixtureOptions, resolveOptions, writeImages, writeText } from './common.js';

export interface LoadDataOptions extends FixtureOptions {
  /** Folder under `dir` holding the CSV (default the plate name). */
  folderName?: string;
  /** CSV file name (default load_data.csv). */
  csvName?: string;
  /** Where the images go (default `<plate folder>/images`); PathName_/URL_ values point there. */
  imagesDir?: string;
  /** FileName_/PathName_ columns (default), URL_ columns with file:// URLs, plain paths, or s3:// URLs (then no images are written). */
  columns?: 'filename' | 'url' | 'path' | 's3';
  /** Paths relative to the CSV's folder (default) or absolute. */
  relativePaths?: boolean;
  /** Prefix every column with `Image_` (CellProfiler's older convention). */
  imagePrefix?: boolean;
  /** Add FileName_Illum<Ch>/PathName_Illum<Ch> columns, as load_data_with_illum.csv has. */
  illum?: boolean;
  /** How Metadata_Well is written: A01 (default), A1 or a1. */
  wellFormat?: 'A01' | 'A1' | 'a1';
}

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * A CellProfiler/JUMP load_data.csv in `dir/<folderName>/` listing one plate; columns are
 * Metadata_Plate/Well/Site and per channel FileName_Orig<Ch>+PathName_Orig<Ch> (or URL_Orig<Ch>),
 * in the order of `channelOrder` (`channelNames` overrides the Orig<Ch> suffixes). Data rows are CSV lines 2…n.
 */
export async function writeLoadDataFixture(dir: string, opts: LoadDataOptions = {}): Promise<Fixture> {
  const r = resolveOptions(opts, 'BR00117035');
  const plateFolder = path.join(dir, opts.folderName ?? r.plate);
  const imagesDir = opts.imagesDir ?? path.join(plateFolder, 'images');
  const style = opts.columns ?? 'filename';
  const pre = opts.imagePrefix ? 'Image_' : '';
  const suffix = r.channels.map((c, i) => opts.channelNames?.[i] ?? `Orig${c}`);
  const header = [`${pre}Metadata_Plate`, `${pre}Metadata_Well`, `${pre}Metadata_Site`];
  if (style === 'filename') header.push(...suffix.map((s) => `${pre}FileName_${s}`), ...suffix.map((s) => `${pre}PathName_${s}`));
  else header.push(...suffix.map((s) => `${pre}URL_${s}`));
  if (opts.illum) header.push(...r.channelOrder.map((c) => `${pre}FileName_Illum${c}`), ...r.channelOrder.map((c) => `${pre}PathName_Illum${c}`));
  const dirValue = opts.relativePaths === false ? imagesDir : path.relative(plateFolder, imagesDir) || '.';
  const lines = [header.join(',')];
  const images: FixtureImage[] = [];
  for (const well of r.wells) {
    const wellText = opts.wellFormat === 'A1' ? well.replace(/^([A-Z]+)0*/, '$1') : opts.wellFormat === 'a1' ? well.replace(/^([A-Z]+)0*/, '$1').toLowerCase() : well;
    for (let site = 1; site <= r.sites; site++) {
      const row = lines.length + 1;
      const names = r.channels.map((c, i) => `${r.plate}_${well}_s${site}_${suffix[i]}.tif`);
      names.forEach((n, i) => images.push({ file: path.join(imagesDir, n), well, site, channel: r.channels[i], channelNumber: i + 1, row }));
      const cells = [r.plate, wellText, String(site)];
      if (style === 'filename') cells.push(...names, ...names.map(() => dirValue));
      else if (style === 'url') cells.push(...names.map((n) => pathToFileURL(path.join(imagesDir, n)).href));
      else if (style === 'path') cells.push(...names.map((n) => (opts.relativePaths === false ? path.join(imagesDir, n) : path.join(dirValue, n))));
      else cells.push(...names.map((n) => `s3://cellpainting-gallery/cpg0016-jump/source_4/images/2020_11_04_CPJUMP1/images/${r.plate}/Images/${n}`));
      if (opts.illum) cells.push(...r.channelOrder.map((c) => `${r.plate}_Illum${c}.npy`), ...r.channelOrder.map(() => '../illum'));
      lines.push(cells.map(csvCell).join(','));
    }
  }
  const csv = await writeText(path.join(plateFolder, opts.csvName ?? 'load_data.csv'), lines.join('\n') + '\n');
  const written = style === 's3' ? { missing: [], corrupt: [] } : await writeImages(images, r, opts);
  return {
    layout: 'loaddata',
    plateFolder,
    plate: r.plate,
    wells: r.wells,
    sites: r.sites,
    channelOrder: r.channelOrder,
    channelNames: suffix,
    images,
    ...written,
    ignored: [],
    metadata: [csv],
  };
}
