import path from 'node:path';
import { type Fixture, type FixtureChannel, type FixtureImage, type FixtureOptions, pad, plateGeometry, resolveOptions, wellRowCol, writeImage, writeImages, writeText } from './common.js';

export interface PhenixOptions extends FixtureOptions {
  /** Measurement folder name under `dir` (default `<plate>__2020-11-05T19_51_35-Measurement1`, as in JUMP). */
  folderName?: string;
  /** Index file and where it sits (default Images/Index.idx.xml). 'Index.xml' is a flat export: index and images in the plate folder. 'none': images only. */
  index?: 'Images/Index.idx.xml' | 'Images/Index.xml' | 'Images/Index.ref.xml' | 'Index.xml' | 'none';
  /** Harmony namespace version in the index (default 6). */
  harmonyVersion?: 5 | 6 | 7;
  /** Digits of the field in file names: f01 (2, default) or f001 (3). */
  fieldDigits?: 2 | 3;
  /** Planes (p01…) and time points (sk1…) per site; only plane 1 / the first time point is to be imported. */
  planes?: number;
  timepoints?: number;
  /** Pixel size written (in metres) to the index, default 0.597976 µm. */
  pixelSizeUm?: number;
  /** Leave PlateID empty, so the plate name must come from the folder name. */
  noPlateId?: boolean;
}

const EXCITATION: Record<FixtureChannel, number> = { DNA: 375, ER: 488, RNA: 488, AGP: 561, Mito: 640, Brightfield: 0 };

function entryXml(ch: number, name: string, channel: FixtureChannel, size: number, um: number, bits: number): string {
  const m = (um * 1e-6).toExponential(15).toUpperCase().replace('E-', 'E-0');
  return `      <Entry ChannelID="${ch}">
        <ChannelName>${name}</ChannelName>
        <ImageType>Signal</ImageType>
        <AcquisitionType>NipkowConfocal</AcquisitionType>
        <ChannelType>${channel === 'Brightfield' ? 'Brightfield' : 'Fluorescence'}</ChannelType>
        <ImageResolutionX Unit="m">${m}</ImageResolutionX>
        <ImageResolutionY Unit="m">${m}</ImageResolutionY>
        <ImageSizeX>${size}</ImageSizeX>
        <ImageSizeY>${size}</ImageSizeY>
        <MaxIntensity>${2 ** bits - 1}</MaxIntensity>
        <MainExcitationWavelength Unit="nm">${EXCITATION[channel]}</MainExcitationWavelength>
        <ObjectiveMagnification Unit="">20</ObjectiveMagnification>
        <ObjectiveNA Unit="">1</ObjectiveNA>
        <ExposureTime Unit="s">0.1</ExposureTime>
      </Entry>`;
}

interface IndexImage {
  url: string;
  row: number;
  col: number;
  field: number;
  plane: number;
  t: number;
  ch: number;
  name: string;
}

function imageXml(i: IndexImage): string {
  return `    <Image Version="1">
      <id>${pad(i.row, 2)}${pad(i.col, 2)}K${i.t + 1}F${i.field}P${i.plane}R${i.ch}</id>
      <State>Ok</State>
      <URL>${i.url}</URL>
      <Row>${i.row}</Row>
      <Col>${i.col}</Col>
      <FieldID>${i.field}</FieldID>
      <PlaneID>${i.plane}</PlaneID>
      <TimepointID>${i.t}</TimepointID>
      <FlimID>1</FlimID>
      <ChannelID>${i.ch}</ChannelID>
      <ChannelName>${i.name}</ChannelName>
      <PositionX Unit="m">0.000${i.field}</PositionX>
      <PositionY Unit="m">0.000${i.field}</PositionY>
      <PositionZ Unit="m">-${i.plane}E-06</PositionZ>
    </Image>`;
}

/** A Harmony export `dir/<folderName>/Images/` with Index.idx.xml and `r01c01f01p01-ch1sk1fk1fl1.tiff` files. */
export async function writePhenixFixture(dir: string, opts: PhenixOptions = {}): Promise<Fixture> {
  const r = resolveOptions(opts, 'BR00116991');
  const plateFolder = path.join(dir, opts.folderName ?? `${r.plate}__2020-11-05T19_51_35-Measurement1`);
  const index = opts.index ?? 'Images/Index.idx.xml';
  const imageDir = index === 'Index.xml' ? plateFolder : path.join(plateFolder, 'Images');
  const fd = opts.fieldDigits ?? 2;
  const images: FixtureImage[] = [];
  const entries: IndexImage[] = [];
  const later: { file: string; channel: FixtureChannel }[] = [];
  for (const well of r.wells) {
    const { row, col } = wellRowCol(well);
    for (let field = 1; field <= r.sites; field++) {
      r.channels.forEach((channel, i) => {
        for (let t = 0; t < (opts.timepoints ?? 1); t++) {
          for (let plane = 1; plane <= (opts.planes ?? 1); plane++) {
            const url = `r${pad(row, 2)}c${pad(col, 2)}f${pad(field, fd)}p${pad(plane, 2)}-ch${i + 1}sk${t + 1}fk1fl1.tiff`;
            entries.push({ url, row, col, field, plane, t, ch: i + 1, name: r.channelNames[i] });
            const file = path.join(imageDir, url);
            if (t === 0 && plane === 1) images.push({ file, well, site: field, channel, channelNumber: i + 1 });
            else later.push({ file, channel });
          }
        }
      });
    }
  }
  const { missing, corrupt } = await writeImages(images, r, opts);
  for (const l of later) await writeImage(l.file, l.channel, r.size, r.bitDepth);
  const metadata: string[] = [];
  if (index !== 'none') {
    const g = plateGeometry(r.wells);
    const um = opts.pixelSizeUm ?? 0.597976;
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<EvaluationInputData xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" Version="2" xmlns="43B2A954-E3C3-47E1-B392-6635266B0DD3/HarmonyV${opts.harmonyVersion ?? 6}">
  <User>Harmony</User>
  <InstrumentType>Phenix</InstrumentType>
  <Plates>
    <Plate>
      <PlateID>${opts.noPlateId ? '' : r.plate}</PlateID>
      <MeasurementID>7c2b1e5e-0d6c-4c1e-9e59-1d2f3a4b5c6d</MeasurementID>
      <MeasurementStartTime>2020-11-05T19:51:35.5+01:00</MeasurementStartTime>
      <Name>${r.plate}</Name>
      <PlateTypeName>384 PerkinElmer CellCarrier Ultra</PlateTypeName>
      <PlateRows>${g.rows}</PlateRows>
      <PlateColumns>${g.cols}</PlateColumns>
${r.wells.map((w) => `      <Well id="${pad(wellRowCol(w).row, 2)}${pad(wellRowCol(w).col, 2)}" />`).join('\n')}
    </Plate>
  </Plates>
  <Wells>
${r.wells.map((w) => `    <Well><id>${pad(wellRowCol(w).row, 2)}${pad(wellRowCol(w).col, 2)}</id><Row>${wellRowCol(w).row}</Row><Col>${wellRowCol(w).col}</Col></Well>`).join('\n')}
  </Wells>
  <Maps>
    <Map>
${r.channels.map((c, i) => entryXml(i + 1, r.channelNames[i], c, r.size, um, r.bitDepth)).join('\n')}
    </Map>
    <Map>
${r.channels.map((_, i) => `      <Entry ChannelID="${i + 1}"><FlatfieldProfile>{"Version":"1.0"}</FlatfieldProfile></Entry>`).join('\n')}
    </Map>
  </Maps>
  <Images>
${entries.map(imageXml).join('\n')}
  </Images>
</EvaluationInputData>
`;
    metadata.push(await writeText(path.join(plateFolder, index), xml));
  }
  return {
    layout: 'phenix',
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
