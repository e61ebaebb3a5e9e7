import { describe, expect, it } from 'vitest';
import { buildChannelMap, parseChannelOption, resolveChannelName } from '../../../../main/core/plates/channels.js';
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
