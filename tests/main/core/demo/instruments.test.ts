import { describe, expect, it } from 'vitest';
import { imagexpress, phenix } from '../../../../main/core/demo/effects.js';
import { resolveChannelName } from '../../../../main/core/plates/channels.js';
import { CHANNELS } from '../../../../main/core/types.js';

describe('demo instruments', () => {
  for (const inst of [imagexpress('default'), phenix('default'), imagexpress('small'), phenix('small')]) {
    it(`${inst.source} (${inst.model}): every channel name resolves to its channel, each channel once`, () => {
      for (const ch of inst.channels) expect(resolveChannelName(ch.name), ch.name).toBe(ch.channel);
      expect(new Set(inst.channels.map((c) => c.channel))).toEqual(new Set(CHANNELS));
      expect(inst.channels.map((c) => c.index)).toEqual([1, 2, 3, 4, 5]);
    });
  }

  it('the two sources differ in channel order, image size, pixel size and bit depth', () => {
    for (const size of ['small', 'default'] as const) {
      const a = imagexpress(size);
      const b = phenix(size);
      expect(a.channels.map((c) => c.channel)).not.toEqual(b.channels.map((c) => c.channel));
      expect(b.channels[0].channel).toBe('Mito');
      expect(b.channels[4].channel).toBe('DNA');
      expect(a.width).not.toBe(b.width);
      expect(a.pixelSizeUm).not.toBe(b.pixelSizeUm);
      expect([a.maxValue, b.maxValue]).toEqual([65535, 4095]);
    }
  });
});
