import { checkSmiles } from '../chem/check.js';
import { depictMany } from '../chem/depict.js';
import { depictionCache } from '../chem/depiction-cache.js';
import { listCompounds } from '../compounds/list.js';
import { compoundBySmiles, compoundWells } from '../compounds/wells.js';
import type { HandlersOf } from './contract.js';
import type { compoundRequests } from './contract-compounds.js';
import type { ProjectSession } from '../project/session.js';

export function compoundHandlers(session: ProjectSession): HandlersOf<typeof compoundRequests> {
  return {
    'compounds.list': async ({ text, substructure, includeControls = false, limit }) => {
      const r = await listCompounds(session.db, { text, substructure, includeControls, limit });
      return {
        compounds: r.compounds,
        total: r.total,
        query: { text: text?.trim() || null, substructure: substructure?.trim() || null, substructureAs: r.substructureAs, includeControls },
        withoutStructure: r.withoutStructure,
      };
    },
    'compounds.wells': ({ compound }) => compoundWells(session.db, compound),
    'compounds.depict': async ({ smiles, width = 120, height = 90, highlight, background = 'transparent' }) => {
      const o = { width, height, highlight: highlight?.trim() || undefined, background };
      return { svgs: await depictionCache.getMany(smiles, o, (missing) => depictMany(missing, o)) };
    },
    'chem.check': async ({ smiles, width = 300, height = 220 }) => {
      const c = await checkSmiles(smiles, { width, height });
      return { ...c, inProject: c.canonical ? compoundBySmiles(session.db, c.canonical) : null };
    },
  };
}
