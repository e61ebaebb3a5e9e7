import { describe, expect, it } from 'vitest';
import { buildChannelMap, channelAssignments, describeAssignments, parseChannelOption, resolveChannelName } from '../../../../main/core/plates/channels.js';
import { InputError } from '../../../../main/core/types.js';

describe('resolveChannelName with names instruments write', () => {
  it.each([
    ['Hoechst 33342', 'DNA'],
    ['HOECHST 33342', 'DNA'],
    ['DAPI', 'DNA'],
    ['Concanavalin A', 'ER'],
    ['Alexa 488 ConA', 'ER'],
    ['ConA-488', 'ER'],
    ['SYTO 14', 'RNA'],
    ['SYTO14 green', 'RNA'],
    ['Phalloidin', 'AGP'],
    ['Phalloidin/WGA', 'AGP'],
    ['WGA 555', 'AGP'],
    ['MitoTracker Deep Red', 'Mito'],
    ['MitoTracker Deep Red FM', 'Mito'],
    ['OrigDNA', 'DNA'],
    ['OrigER', 'ER'],
    ['OrigRNA', 'RNA'],
    ['OrigAGP', 'AGP'],
    ['OrigMito', 'Mito'],
    ['ER 488', 'ER'],
    ['RNA_SYTO', 'RNA'],
    ['ER-Tracker', 'ER'],
  ])('%s -> %s', (name, ch) => {
    expect(resolveChannelName(name)).toBe(ch);
  });

  it.each(['Brightfield', 'OrigBrightfield', 'Alexa 488', 'Alexa 647', 'Ex405/Em445', 'FITC', 'External light', 'Hoechst + ConA', ''])('%s is not resolved', (name) => {
    expect(resolveChannelName(name)).toBeNull();
  });
});

describe('parseChannelOption', () => {
  it('reads numbers, raw ids and stain names', () => {
    expect(parseChannelOption('1=DNA, w2=er,3=SYTO 14,C04=Phalloidin,ch5=mito')).toEqual({ '1': 'DNA', w2: 'ER', '3': 'RNA', C04: 'AGP', ch5: 'Mito' });
  });
  it('rejects unknown channels and malformed parts', () => {
    expect(() => parseChannelOption('1=Brightfield')).toThrow(InputError);
    expect(() => parseChannelOption('1DNA')).toThrow(/KEY=CHANNEL/);
  });
});

describe('buildChannelMap', () => {
  const ids = ['ch1', 'ch2', 'ch3', 'ch4', 'ch5', 'ch6'];
  const names = { ch1: 'MitoTracker Deep Red', ch2: 'Phalloidin', ch3: 'SYTO 14', ch4: 'Concanavalin A', ch5: 'Hoechst 33342', ch6: 'Brightfield' };
  it('maps by name whatever the order, leaving brightfield out', () => {
    expect(buildChannelMap(ids, names, undefined, 'p')).toEqual({ ch1: 'Mito', ch2: 'AGP', ch3: 'RNA', ch4: 'ER', ch5: 'DNA' });
  });
  it('lets --channels override by number', () => {
    const m = buildChannelMap(['C01', 'C02', 'C03', 'C04', 'C05'], {}, { '1': 'DNA', '2': 'ER', '3': 'RNA', '4': 'AGP', '5': 'Mito' }, 'p');
    expect(m).toEqual({ C01: 'DNA', C02: 'ER', C03: 'RNA', C04: 'AGP', C05: 'Mito' });
  });
  it('refuses duplicates and missing channels with a --channels hint', () => {
    expect(() => buildChannelMap(['w1', 'w2'], { w1: 'DAPI', w2: 'Hoechst' }, undefined, 'plate P')).toThrow(/plate P: .*w1 and w2 both map to DNA.*--channels/);
  });
});

describe('fluorophore names (JUMP Phenix / CV8000 plates)', () => {
  const ids = ['ch1', 'ch2', 'ch3', 'ch4', 'ch5', 'ch6'];
  it("maps the JUMP set as pe2loaddata's config does, and says so", () => {
    const names = { ch1: 'Alexa 647', ch2: 'Alexa 568', ch3: '488 long', ch4: 'Alexa 488', ch5: 'HOECHST 33342', ch6: 'Brightfield' };
    const r = channelAssignments(ids, names, undefined, 'p');
    expect(r.map).toEqual({ ch1: 'Mito', ch2: 'AGP', ch3: 'RNA', ch4: 'ER', ch5: 'DNA' });
    expect(r.assignments.map((a) => a.rule)).toEqual(['fluorophore', 'fluorophore', 'fluorophore', 'fluorophore', 'stain', null]);
    expect(describeAssignments(r.assignments)).toMatch(/^by stain name: ch5 "HOECHST 33342" → DNA; by fluorophore name.*; not Cell Painting, ignored: ch6 "Brightfield"$/);
  });
  it('mixes stain names and dye names of the usual kits (Alexa 555/568, AF647, DAPI)', () => {
    const names = { ch1: 'DAPI', ch2: 'Concanavalin A', ch3: 'SYTO 14', ch4: 'AF555', ch5: 'AF647' };
    expect(buildChannelMap(ids.slice(0, 5), names, undefined, 'p')).toEqual({ ch1: 'DNA', ch2: 'ER', ch3: 'RNA', ch4: 'AGP', ch5: 'Mito' });
  });
  it('an ambiguous set still asks: two 488 channels without "long", or a dye outside the kit', () => {
    expect(() => buildChannelMap(ids.slice(0, 5), { ch1: 'Hoechst', ch2: 'Alexa 488', ch3: 'Alexa 488', ch4: 'Alexa 568', ch5: 'Alexa 647' }, undefined, 'plate P')).toThrow(/plate P: cannot map channels by name.*no channel maps to ER, RNA.*--channels/);
    expect(() => buildChannelMap(ids.slice(0, 5), { ch1: 'Hoechst', ch2: 'Alexa 488', ch3: 'FITC', ch4: 'Alexa 568', ch5: 'Alexa 647' }, undefined, 'plate P')).toThrow(/no channel maps to ER, RNA.*"FITC"/);
  });
  it('the Broad ImageXpress names (ERSyto, ERSytoBleed, Ph_golgi)', () => {
    expect(['Hoechst', 'ERSyto', 'ERSytoBleed', 'Ph_golgi', 'Mito'].map(resolveChannelName)).toEqual(['DNA', 'ER', 'RNA', 'AGP', 'Mito']);
  });
  it('too few channels is said as such, without suggesting --channels', () => {
    expect(() => buildChannelMap(['w1'], {}, { '1': 'DNA' }, 'plate P')).toThrow(/^plate P: only 1 channel\(s\) \(w1\) are present, so no site has all five/);
  });
});

describe('CellProfiler outline images', () => {
  it('are no channel, whatever stain their name mentions', () => {
    expect(resolveChannelName('NucleiOutlines')).toBeNull();
    expect(resolveChannelName('CellOutlines')).toBeNull();
    expect(resolveChannelName('OrigDNA')).toBe('DNA');
  });
});
