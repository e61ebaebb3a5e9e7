// Which samples a run trains on: the sites (or, for imported well-level profiles, the wells), their
// features, the training compounds (held-out ones never), and the phenotypic-activity filter.
import type { DB } from '../db/open.js';
import { InputError } from '../types.js';
import { activeCompounds, activeWells, type ActivityResult } from './activity.js';
import { FINGERPRINT_BITS } from './config.js';
import { ItemSampler } from './sampling.js';
import type { CompoundSelection, ModelKind } from './train-params.js';
import { isWellLevelSource, loadTrainData, normalizedSiteFeatures, normalizedWellFeatures, type SiteFeatures, type TrainData } from './train-data.js';

export interface TrainingSelection {
  data: TrainData;
  /** The feature head's input per sample; null for the CNN (it reads the images). */
  feats: SiteFeatures | null;
  activity: ActivityResult | null;
  sampler: ItemSampler;
}

export async function selectTraining(
  db: DB,
  o: { model: ModelKind; featureSource: string | null; compounds?: CompoundSelection; seed?: number },
): Promise<TrainingSelection> {
  const { featureSource } = o;
  // Imported profiles are well-level: each well is one sample (its id stands for the site id), its
  // controls the DMSO wells of its plate (else batch, else source), activity judged on that set.
  const wellLevel = isWellLevelSource(db, featureSource) ? normalizedWellFeatures(db, featureSource!) : null;
  const data = await loadTrainData(db, FINGERPRINT_BITS, wellLevel?.samples);
  if (o.model !== 'image_only' && !data.fingerprints.size) {
    throw new InputError(
      `no treated compound of this project has a structure (SMILES), and ${o.model} pairs cells with molecules; add a SMILES column to the platemap or table, or join one with import-profiles --compounds FILE (image_only trains without)`,
    );
  }
  const feats = wellLevel ? wellLevel.feats : featureSource !== null ? normalizedSiteFeatures(db, data.sites, featureSource) : null;
  const which = o.compounds ?? 'active-wells';
  const activitySet = wellLevel ? featureSource! : undefined;
  const activity = which !== 'all' ? activeCompounds(db, data.trainCompounds, { seed: o.seed ?? 1, featureSet: activitySet }) : null;
  const usable = activity?.active ?? data.trainCompounds;
  const wells = which === 'active-wells' ? activeWells(db, usable, { featureSet: activitySet }) : null;
  const sampler = new ItemSampler(
    data.sites.filter((s) => s.control || (s.compound !== null && usable.has(s.compound) && (!wells || wells.has(s.wellId)))),
    usable,
  );
  if (sampler.compounds.length < 2) throw new InputError(`only ${sampler.compounds.length} trainable compound(s) with two or more wells; MICON needs replicates of several compounds`);
  return { data, feats, activity, sampler };
}
