import path from 'node:path';
import { DirIndex, listDir, pickName, readText } from './files.js';
import { resolveChannelName } from './channels.js';
import { finishPlate, IMAGE_EXT, type PlateDraft, type RawImage, unmatchedImages } from './plate-build.js';
import { tryNormaliseWell, tryWellFromRowCol } from './wells.js';
import { attr, children, findAll, int, parseXml, text, type XmlNode } from './xml.js';
import { InputError, type ChannelName, type Problem, type ScannedPlate } from '../types.js';

// {plate}_{well}_T0001F001L01A01Z01C01.tif: T time point, F field, L timeline, A action, Z plane, C channel.
const CV_FILE = /^(?:(.+)_)?([A-Za-z]{1,2}\d{1,3})_T(\d{4})F(\d{3})L(\d{2})A(\d{2})Z(\d{2})C(\d{2})\.(?:tiff?|png)$/i;
export const CV_MLF = 'MeasurementData.mlf';
const CV_MRF = 'MeasurementDetail.mrf';
// Channel attributes in .mes files that may carry a stain name; the first that resolves wins.
const NAME_ATTRS = ['Target', 'Fluorophore', 'Dye', 'Stain', 'Name', 'ChannelName', 'Description', 'Marker'];

export function isCellVoyagerImage(name: string): boolean {
  return CV_FILE.test(name);
}

const rawId = (ch: number) => `C${String(ch).padStart(2, '0')}`;

interface Rec {
  file: string;
  well: string;
  field: number;
  z: number;
  t: number;
  ch: number;
}

async function readXmlFile(file: string): Promise<XmlNode> {
  try {
    return parseXml(await readText(file));
  } catch (e) {
    throw new InputError(`${file}: cannot read (${(e as Error).message})`);
  }
}

function fromMlf(xml: XmlNode, folder: string, mlf: string, problems: Problem[]): Rec[] {
  const out: Rec[] = [];
  for (const r of findAll(xml, 'MeasurementRecord')) {
    const [row, col, field, z, t, ch] = ['Row', 'Column', 'FieldIndex', 'ZIndex', 'TimePoint', 'Ch'].map((k) => int(attr(r, k)));
    const well = row !== undefined && col !== undefined ? (tryWellFromRowCol(row - 1, col - 1) ?? undefined) : undefined;
    const type = (attr(r, 'Type') ?? 'IMG').toUpperCase();
    const body = text(r) ?? '';
    if (type === 'ERR') {
      problems.push({ file: mlf, ...(well ? { well } : {}), message: `CellVoyager error record${well ? ` for well ${well}` : ''}${ch ? ` channel ${rawId(ch)}` : ''}: ${body || 'no message'}; skipped`, severity: 'warning' });
      continue;
    }
    if (type !== 'IMG') continue;
    if (!well || field === undefined || ch === undefined || !body) {
      const why = row !== undefined && col !== undefined && !well ? `Row ${row}, Column ${col} is not a well position` : 'lacks Row/Column/FieldIndex/Ch';
      problems.push({ file: mlf, message: `record "${body}" ${why}; skipped`, severity: 'warning' });
      continue;
    }
    out.push({ file: path.join(folder, body), well, field, z: z ?? 1, t: t ?? 1, ch });
  }
  return out;
}

function fromFileNames(folder: string, files: string[], problems: Problem[]): Rec[] {
  const out: Rec[] = [];
  const unmatched: string[] = [];
  for (const f of files) {
    const m = CV_FILE.exec(f);
    const well = m ? tryNormaliseWell(m[2]) : null;
    if (!m || !well) {
      if (IMAGE_EXT.test(f)) unmatched.push(path.join(folder, f));
      continue;
    }
    out.push({ file: path.join(folder, f), well, t: Number(m[3]), field: Number(m[4]), z: Number(m[7]), ch: Number(m[8]) });
  }
  unmatchedImages(unmatched, 'CellVoyager ({plate}_{well}_T0001F001L01A01Z01C01.tif)', problems);
  return out;
}

function channelNames(mes: XmlNode | undefined): Record<string, string> {
  const names: Record<string, string> = {};
  for (const c of mes ? findAll(mes, 'Channel') : []) {
    const ch = int(attr(c, 'Ch'));
    if (ch === undefined) continue;
    const cands = NAME_ATTRS.map((a) => attr(c, a)).filter((v): v is string => !!v);
    const name = cands.find((v) => resolveChannelName(v)) ?? cands[0];
    if (name) names[rawId(ch)] = name;
  }
  return names;
}

function firstOf(recs: Rec[], k: 't' | 'z', label: string, where: string, problems: Problem[]): Rec[] {
  const vals = [...new Set(recs.map((r) => r[k]))].sort((a, b) => a - b);
  if (vals.length > 1) problems.push({ file: where, message: `${vals.length} ${label}s found; only ${label} ${vals[0]} is imported`, severity: 'warning' });
  return recs.filter((r) => r[k] === vals[0]);
}

/** One CV7000/CV8000 measurement folder. */
export async function scanCellVoyager(folder: string, opts: { channels?: Record<string, ChannelName> }, problems: Problem[]): Promise<ScannedPlate[]> {
  const { files } = await listDir(folder);
  const mlfName = pickName(files, [CV_MLF]);
  const mrfName = pickName(files, [CV_MRF]);
  const mrf = mrfName ? await readXmlFile(path.join(folder, mrfName)) : undefined;
  const detail = mrf ? findAll(mrf, 'MeasurementDetail')[0] : undefined;
  const mesName = pickName(files, [attr(detail, 'MeasurementSettingFileName') ?? '']) ?? files.find((f) => /\.mes$/i.test(f));
  const mes = mesName ? await readXmlFile(path.join(folder, mesName)) : undefined;
  const mlf = mlfName ? path.join(folder, mlfName) : undefined;
  let recs = mlf ? fromMlf(await readXmlFile(mlf), folder, mlf, problems) : fromFileNames(folder, files, problems);
  if (!recs.length) return [];
  recs = firstOf(firstOf(recs, 't', 'time point', mlf ?? folder, problems), 'z', 'z-plane', mlf ?? folder, problems);
  const pixel = children(detail, 'MeasurementChannel')
    .map((c) => Number(attr(c, 'HorizontalPixelDimension')))
    .find((v) => Number.isFinite(v) && v > 0);
  const prefix = CV_FILE.exec(path.basename(recs[0].file))?.[1];
  const draft: PlateDraft = {
    name: prefix || path.basename(folder),
    folder,
    layout: 'cellvoyager',
    images: recs.map((r): RawImage => ({ file: r.file, well: r.well, site: r.field, raw: rawId(r.ch) })),
    channelNames: channelNames(mes),
    namesMissingWhy: mes ? `${mesName} has no channel names` : 'no .mes protocol file in the measurement folder',
    rows: int(attr(detail, 'RowCount')),
    cols: int(attr(detail, 'ColumnCount')),
    ...(pixel ? { pixelSizeUm: pixel } : {}),
  };
  const dirIndex = new DirIndex();
  // The .mlf always says .tif, but some exports convert the images to .png.
  const resolve = async (f: string) => {
    for (const ext of ['', '.png', '.tif', '.tiff']) {
      const hit = await dirIndex.find(ext ? f.replace(/\.[^.]+$/, ext) : f);
      if (hit) return hit;
    }
    return null;
  };
  return [await finishPlate(draft, { explicit: opts.channels, resolve }, problems)];
}
