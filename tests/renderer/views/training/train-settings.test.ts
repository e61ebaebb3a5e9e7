import { describe, expect, it } from 'vitest';
import { num, runName } from '../../../../renderer/src/views/training/train-settings';

describe('training form settings', () => {
  it('names a run as its checkpoint folder does, so Resume finds it', () => {
    expect(runName('micon', 'features', '')).toBe('micon');
    expect(runName('micon', 'features', 'handcrafted')).toBe('micon');
    expect(runName('clip', 'cnn', 'cp_profiles')).toBe('clip_cnn');
    expect(runName('micon', 'features', 'jump cp/v1')).toBe('micon@jump_cp_v1');
  });

  it('leaves a blank number out of the request and truncates the rest', () => {
    expect(num('')).toBeUndefined();
    expect(num('  ')).toBeUndefined();
    expect(num('250.7')).toBe(250);
  });
});
