import { describe, expect, it } from 'vitest';
import { events, requests } from '../../../../main/core/api/contract.js';
import { joinDistinct } from '../../../../main/core/api/join-maps.js';
import { plateRequests } from '../../../../main/core/api/contract-plates.js';
import { searchRequests } from '../../../../main/core/api/contract-search.js';

describe('joining per-area request maps', () => {
  it('keeps every entry of every area', () => {
    expect(Object.keys(joinDistinct({ a: { x: 1 }, b: { y: 2, z: 3 } })).sort()).toEqual(['x', 'y', 'z']);
    expect(requests['plates.list']).toBe(plateRequests['plates.list']);
    expect(Object.keys(events)).toEqual(['job.progress', 'job.state']);
  });

  it('refuses a name declared by two areas, naming both', () => {
    const clash = { ...searchRequests, 'plates.list': plateRequests['plates.list'] };
    expect(() => joinDistinct({ plateRequests, clash })).toThrow('"plates.list" is declared by both plateRequests and clash');
  });
});
