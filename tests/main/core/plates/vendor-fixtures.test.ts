import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeGrey16 } from '../../../../main/core/images/decode.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { expectedMean, pixelBase, writeCellVoyagerFixture, writeImageXpressFixture } from '../../../helpers/vendor-fixtures.js';

const root = tmpDir('micon-fixtures-');

describe('vendor fixtures', () => {
  it('write 16-bit greyscale images whose level identifies the channel', async () => {
    const fx = await writeImageXpressFixture(path.join(root, 'a'), { wells: ['A01'], sites: 1 });
    for (const img of fx.images) {
      const d = await decodeGrey16(img.file);
      expect(d.storedBits).toBe(16);
      expect([d.width, d.height]).toEqual([64, 64]);
      expect(d.data[0]).toBe(pixelBase(img.channel as 'DNA'));
      expect(d.data.reduce((s, v) => s + v, 0) / d.data.length).toBeCloseTo(expectedMean(img.channel), 5);
    }
  });

  it('12-bit option never exceeds 4095; corrupt and missing options do what they say', async () => {
    const fx = await writeCellVoyagerFixture(path.join(root, 'b'), { bitDepth: 12, brightfield: true, missing: 1, corrupt: 1 });
    let max = 0;
    for (const img of fx.images.slice(2)) for (const v of (await decodeGrey16(img.file)).data) max = Math.max(max, v);
    expect(max).toBeGreaterThan(3000);
    expect(max).toBeLessThanOrEqual(4095);
    expect(fs.existsSync(fx.missing[0])).toBe(false);
    await expect(decodeGrey16(fx.corrupt[0])).rejects.toThrow();
    expect(fx.metadata.map((f) => path.basename(f))).toEqual(['MeasurementData.mlf', 'MeasurementDetail.mrf', 'CellPainting_20x.mes']);
  });
});
