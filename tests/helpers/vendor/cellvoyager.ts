import path from 'node:path';
import { type Fixture, type FixtureChannel, type FixtureImage, type FixtureOptions, pad, plateGeometry, resolveOptions, wellRowCol, writeImage, writeImages, writeText } from './common.js';

export interface CellVoyagerOptions extends FixtureOptions {
  /** Measurement folder name under `dir` (default the plate name). */
  folderName?: string;
  /** ERR records (no FieldIndex, no file) added to MeasurementData.mlf (default 1). */
  errRecords?: number;
  /** Write the images as .png while the .mlf names them .tif, as some exports do. */
  png?: boolean;
  /** Write MeasurementData.mlf / MeasurementDetail.mrf / the .mes protocol (each default true). */
  mlf?: boolean;
  mrf?: boolean;
  mes?: boolean;
  /** .mes Channel attribute carrying the stain name (default Target); bts:Fluorophore always holds an unresolvable filter name unless it is chosen here. */
  nameAttribute?: 'Target' | 'Fluorophore' | 'Name';
  /** z-slices per site (default 1); only Z01 is to be imported. */
  zSlices?: number;
  /** Pixel size in the .mrf, default 0.65 µm. */
  pixelSizeUm?: number;
}

const NS = 'http://www.yokogawa.co.jp/BTS/BTSSchema/1.0';
const FILTER: Record<FixtureChannel, string> = { DNA: 'Ex405/Em445', ER: 'Ex488/Em525', RNA: 'Ex488/Em600', AGP: 'Ex561/Em600', Mito: 'Ex640/Em676', Brightfield: 'BF' };
// JUMP source_10 action indexes: DNA A01, ER A02, RNA A02, AGP A03, Mito A01.
const ACTION: Record<FixtureChannel, number> = { DNA: 1, ER: 2, RNA: 2, AGP: 3, Mito: 1, Brightfield: 4 };

/** A CV7000/CV8000 measurement folder `dir/<folderName>` with .mlf/.mrf/.mes and `{plate}_{well}_T0001F001L01A01Z01C01.tif` files. */
export async function writeCellVoyagerFixture(dir: string, opts: CellVoyagerOptions = {}): Promise<Fixture> {
  const r = resolveOptions(opts, 'Dest210809-141456');
  const plateFolder = path.join(dir, opts.folderName ?? r.plate);
  const zSlices = opts.zSlices ?? 1;
  const images: FixtureImage[] = [];
  const records: string[] = [];
  const later: { file: string; channel: FixtureChannel }[] = [];
  for (const well of r.wells) {
    const { row, col } = wellRowCol(well);
    for (let f = 1; f <= r.sites; f++) {
      r.channels.forEach((channel, i) => {
        for (let z = 1; z <= zSlices; z++) {
          const name = `${r.plate}_${well}_T0001F${pad(f, 3)}L01A${pad(ACTION[channel], 2)}Z${pad(z, 2)}C${pad(i + 1, 2)}.tif`;
          records.push(
            `  <bts:MeasurementRecord bts:Time="2021-08-09T14:15:0${z}.123+09:00" bts:Column="${col}" bts:Row="${row}" bts:TimePoint="1" bts:FieldIndex="${f}" bts:ZIndex="${z}" bts:TimelineIndex="1" bts:ActionIndex="${ACTION[channel]}" bts:Action="3D" bts:X="${-1000 + f * 100}.5" bts:Y="${f * 50}.25" bts:Z="${z}" bts:Ch="${i + 1}" bts:Type="IMG">${name}</bts:MeasurementRecord>`,
          );
          const file = path.join(plateFolder, opts.png ? name.replace(/\.tif$/, '.png') : name);
          if (z === 1) images.push({ file, well, site: f, channel, channelNumber: i + 1 });
          else later.push({ file, channel });
        }
      });
    }
  }
  for (let e = 0; e < (opts.errRecords ?? 1); e++) {
    const { row, col } = wellRowCol(r.wells[e % r.wells.length]);
    records.push(
      `  <bts:MeasurementRecord bts:Time="2021-08-09T14:16:00.000+09:00" bts:Column="${col}" bts:Row="${row}" bts:TimePoint="1" bts:ZIndex="1" bts:TimelineIndex="1" bts:ActionIndex="1" bts:Action="3D" bts:Ch="1" bts:Type="ERR">Autofocus failed (well ${r.wells[e % r.wells.length]})</bts:MeasurementRecord>`,
    );
  }
  const { missing, corrupt } = await writeImages(images, r, opts);
  for (const l of later) await writeImage(l.file, l.channel, r.size, r.bitDepth);
  const metadata: string[] = [];
  const g = plateGeometry(r.wells);
  const mesName = 'CellPainting_20x.mes';
  if (opts.mlf ?? true) {
    const xml = `<?xml version="1.0" encoding="utf-8"?>\n<bts:MeasurementData xmlns:bts="${NS}" bts:Version="1.0">\n${records.join('\n')}\n</bts:MeasurementData>\n`;
    metadata.push(await writeText(path.join(plateFolder, 'MeasurementData.mlf'), xml));
  }
  if (opts.mrf ?? true) {
    const um = opts.pixelSizeUm ?? 0.65;
    const chans = r.channels.map(
      (_, i) =>
        `  <bts:MeasurementChannel bts:Ch="${i + 1}" bts:HorizontalPixelDimension="${um}" bts:VerticalPixelDimension="${um}" bts:CameraNumber="${(i % 2) + 1}" bts:InputBitDepth="16" bts:InputLevel="${2 ** r.bitDepth - 1}" bts:HorizontalPixels="${r.size}" bts:VerticalPixels="${r.size}" bts:FilterWheelPosition="1" bts:FilterPosition="${i + 1}" bts:ShadingCorrectionSource="None" bts:CameraBitDepth="${r.bitDepth}"/>`,
    );
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<bts:MeasurementDetail xmlns:bts="${NS}" bts:Version="1.0" bts:OperatorName="cv8000" bts:Title="${r.plate}" bts:Application="CellVoyager" bts:BeginTime="2021-08-09T14:14:56.000+09:00" bts:EndTime="2021-08-09T15:02:11.000+09:00" bts:MeasurementSettingFileName="${mesName}" bts:ColumnCount="${g.cols}" bts:RowCount="${g.rows}" bts:TimePointCount="1" bts:FieldCount="${r.sites}" bts:ZCount="${zSlices}" bts:TargetSystem="CV8000">
${chans.join('\n')}
  <bts:MeasurementSamplePlate bts:Name="PerkinElmer_CellCarrier_384" bts:WellPlateFileName="${r.plate}.wpp" bts:WellPlateProductFileName="CellCarrier384.wpi"/>
</bts:MeasurementDetail>
`;
    metadata.push(await writeText(path.join(plateFolder, 'MeasurementDetail.mrf'), xml));
  }
  if (opts.mes ?? true) {
    const attrName = opts.nameAttribute ?? 'Target';
    const chans = r.channels.map((c, i) => {
      const fluor = attrName === 'Fluorophore' ? r.channelNames[i] : FILTER[c];
      const named = attrName === 'Fluorophore' ? '' : ` bts:${attrName}="${r.channelNames[i]}"`;
      return `      <bts:Channel bts:Ch="${i + 1}" bts:Objective="20x UPLSAPO" bts:Method="Confocal" bts:Filter="${FILTER[c]}" bts:Fluorophore="${fluor}"${named} bts:ExposureTime="200" bts:Binning="2" bts:Color="#FF0000FF"/>`;
    });
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<bts:MeasurementSetting xmlns:bts="${NS}" bts:Version="1.0" bts:Name="CellPainting_20x">
  <bts:Timelapse>
    <bts:Timeline bts:Name="Timeline1" bts:InitialTime="0" bts:Period="0" bts:Interval="0" bts:ExpectedTime="0">
      <bts:WellSequence bts:IsSelected="true"/>
    </bts:Timeline>
  </bts:Timelapse>
  <bts:ChannelList>
${chans.join('\n')}
  </bts:ChannelList>
</bts:MeasurementSetting>
`;
    metadata.push(await writeText(path.join(plateFolder, mesName), xml));
  }
  return {
    layout: 'cellvoyager',
    plateFolder,
    plate: r.plate,
    wells: r.wells,
    sites: r.sites,
    channelOrder: r.channelOrder,
    channelNames: r.channelNames,
    images,
    missing,
    corrupt,
    ignored: later.map((l) => l.file),
    metadata,
  };
}
