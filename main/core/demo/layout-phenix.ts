// Harmony (Opera Phenix) export: <barcode>__<timestamp>-Measurement1/Images/ with
// r01c01f01p01-ch1sk1fk1fl1.tiff files and an Index.idx.xml (HarmonyV6 namespace) that carries the
// channel names, pixel size in metres and one Image element per file.
import path from 'node:path';
import type { PlatePlan } from './design.js';
import { PLATE_COLS, PLATE_ROWS, SITES_PER_WELL } from './design.js';

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Start of the measurement: the batch date, plates of a batch read one after another. */
export function measurementStart(plate: PlatePlan, indexInBatch: number): Date {
  const t = new Date(`${plate.batchDate}T10:11:12Z`);
  return new Date(t.getTime() + indexInBatch * 47 * 60_000);
}

export function phenixPlateDir(out: string, plate: PlatePlan, start: Date): string {
  const stamp = start.toISOString().slice(0, 19).replace(/:/g, '_');
  return path.join(out, plate.source, plate.batch, `${plate.name}__${stamp}-Measurement1`);
}

export function phenixImageName(row: number, col: number, field: number, channel: number): string {
  return `r${pad2(row)}c${pad2(col)}f${pad2(field)}p01-ch${channel}sk1fk1fl1.tiff`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function indexXml(plate: PlatePlan, start: Date, measurementId: string): string {
  const inst = plate.instrument;
  const res = (inst.pixelSizeUm * 1e-6).toExponential(6);
  const fieldUm = inst.width * inst.pixelSizeUm;
  const o: string[] = [];
  o.push('<?xml version="1.0" encoding="utf-8"?>');
  o.push(
    '<EvaluationInputData xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" Version="1" xmlns="43B2A954-E3C3-47E1-B392-6635266B0DD3/HarmonyV6">',
  );
  o.push('  <User>CELLPAINTING</User>', '  <InstrumentType>Phenix</InstrumentType>');
  o.push('  <Plates>', '    <Plate>');
  o.push(`      <PlateID>${esc(plate.name)}</PlateID>`, `      <MeasurementID>${measurementId}</MeasurementID>`);
  o.push(`      <MeasurementStartTime>${start.toISOString().replace('Z', '+00:00')}</MeasurementStartTime>`);
  o.push(`      <Name>${esc(plate.name)}</Name>`, '      <PlateTypeName>96 PerkinElmer CellCarrier Ultra</PlateTypeName>');
  o.push(`      <PlateRows>${PLATE_ROWS}</PlateRows>`, `      <PlateColumns>${PLATE_COLS}</PlateColumns>`);
  for (const w of plate.wells) o.push(`      <Well id="${pad2(w.row + 1)}${pad2(w.col + 1)}" />`);
  o.push('    </Plate>', '  </Plates>');
  o.push('  <Wells>');
  for (const w of plate.wells) {
    const id = `${pad2(w.row + 1)}${pad2(w.col + 1)}`;
    o.push(`    <Well>`, `      <id>${id}</id>`, `      <Row>${w.row + 1}</Row>`, `      <Col>${w.col + 1}</Col>`);
    for (let f = 1; f <= SITES_PER_WELL; f++) for (const ch of inst.channels) o.push(`      <Image id="${id}K1F${f}P1R${ch.index}" />`);
    o.push('    </Well>');
  }
  o.push('  </Wells>');
  o.push('  <Maps>', '    <Map>');
  for (const ch of inst.channels) {
    o.push(
      `      <Entry ChannelID="${ch.index}">`,
      `        <ChannelName>${esc(ch.name)}</ChannelName>`,
      '        <ImageType>Signal</ImageType>',
      '        <AcquisitionType>NipkowConfocal</AcquisitionType>',
      '        <IlluminationType>Epifluorescence</IlluminationType>',
      '        <ChannelType>Fluorescence</ChannelType>',
      `        <BinningX>2</BinningX>`,
      `        <BinningY>2</BinningY>`,
      `        <ImageResolutionX Unit="m">${res}</ImageResolutionX>`,
      `        <ImageResolutionY Unit="m">${res}</ImageResolutionY>`,
      `        <ImageSizeX>${inst.width}</ImageSizeX>`,
      `        <ImageSizeY>${inst.height}</ImageSizeY>`,
      `        <MaxIntensity>${inst.maxValue}</MaxIntensity>`,
      `        <MainExcitationWavelength Unit="nm">${ch.excitationNm}</MainExcitationWavelength>`,
      `        <MainEmissionWavelength Unit="nm">${ch.emissionNm}</MainEmissionWavelength>`,
      '        <ObjectiveMagnification Unit="">20</ObjectiveMagnification>',
      '        <ObjectiveNA Unit="">1</ObjectiveNA>',
      `        <ExposureTime Unit="s">${(ch.exposureMs / 1000).toFixed(3)}</ExposureTime>`,
      '      </Entry>',
    );
  }
  o.push('    </Map>', '  </Maps>');
  o.push('  <Images>');
  for (const w of plate.wells) {
    const id = `${pad2(w.row + 1)}${pad2(w.col + 1)}`;
    for (let f = 1; f <= SITES_PER_WELL; f++) {
      // Fields side by side around the well centre.
      const px = ((f - (SITES_PER_WELL + 1) / 2) * fieldUm * 1e-6).toExponential(6);
      for (const ch of inst.channels) {
        o.push(
          '    <Image Version="1">',
          `      <id>${id}K1F${f}P1R${ch.index}</id>`,
          '      <State>Ok</State>',
          `      <URL>${phenixImageName(w.row + 1, w.col + 1, f, ch.index)}</URL>`,
          `      <Row>${w.row + 1}</Row>`,
          `      <Col>${w.col + 1}</Col>`,
          `      <FieldID>${f}</FieldID>`,
          '      <PlaneID>1</PlaneID>',
          '      <TimepointID>0</TimepointID>',
          '      <FlimID>1</FlimID>',
          `      <ChannelID>${ch.index}</ChannelID>`,
          `      <ChannelName>${esc(ch.name)}</ChannelName>`,
          `      <PositionX Unit="m">${px}</PositionX>`,
          '      <PositionY Unit="m">0</PositionY>',
          '      <PositionZ Unit="m">-5E-06</PositionZ>',
          '    </Image>',
        );
      }
    }
  }
  o.push('  </Images>', '</EvaluationInputData>');
  return o.join('\r\n') + '\r\n';
}
