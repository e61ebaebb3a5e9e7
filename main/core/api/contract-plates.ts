// Plates, wells, sites: what the plate list, plate viewer and well viewer ask for.
import { z } from 'zod';

export const ChannelInfo = z.object({
  name: z.string(),
  rawId: z.string(),
  instrumentName: z.string().nullable(),
});

export const PlateSummary = z.object({
  id: z.number().int(),
  name: z.string(),
  source: z.string(),
  batch: z.string(),
  replicate: z.number().int().nullable(),
  layout: z.string(),
  folder: z.string(),
  rows: z.number().int(),
  cols: z.number().int(),
  wells: z.number().int(),
  sites: z.number().int(),
  treatedWells: z.number().int(),
  controlWells: z.number().int(),
  compounds: z.number().int(),
  imageWidth: z.number().int().nullable(),
  imageHeight: z.number().int().nullable(),
  pixelSizeUm: z.number().nullable(),
  bitDepth: z.number().int().nullable(),
  channels: z.array(ChannelInfo),
  qcFlaggedSites: z.number().int(),
  ingestedAt: z.string(),
});
export type PlateSummary = z.infer<typeof PlateSummary>;

export const WellSummary = z.object({
  id: z.number().int(),
  well: z.string(),
  row: z.number().int(),
  col: z.number().int(),
  compoundId: z.string().nullable(),
  compoundName: z.string().nullable(),
  smiles: z.string().nullable(),
  moa: z.string().nullable(),
  concentration: z.number().nullable(),
  pertType: z.string().nullable(),
  sites: z.number().int(),
  qcFlags: z.array(z.string()),
  /** data: URL of a small RGB composite (DNA blue, ER/RNA green, AGP/Mito red), null if none. */
  thumbnail: z.string().nullable(),
});
export type WellSummary = z.infer<typeof WellSummary>;

export const MetricInfo = z.object({ id: z.string(), label: z.string(), unit: z.string(), group: z.string(), description: z.string() });
export type MetricInfo = z.infer<typeof MetricInfo>;

export const ValueRange = z.object({ min: z.number(), max: z.number() }).nullable();
export type ValueRange = z.infer<typeof ValueRange>;

export const PlateMetric = z.object({
  plateId: z.number().int(),
  /** This plate's range; null when no well has a value. */
  range: ValueRange,
  values: z.array(z.object({ wellId: z.number().int(), value: z.number() })),
});
export type PlateMetric = z.infer<typeof PlateMetric>;

export const MetricResult = z.object({
  metric: MetricInfo,
  plates: z.array(PlateMetric),
  /** Range over every plate of the project (not only those asked for). */
  allPlates: ValueRange,
});
export type MetricResult = z.infer<typeof MetricResult>;

export const SiteChannel = z.object({
  name: z.string(),
  maxValue: z.number().int(),
  bitDepth: z.number().int(),
  auto: z.object({ min: z.number(), max: z.number() }),
});
export type SiteChannel = z.infer<typeof SiteChannel>;

export const WellSite = z.object({
  siteId: z.number().int(),
  site: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  tileSize: z.number().int(),
  maxLevel: z.number().int(),
  qcFlags: z.array(z.string()),
  channels: z.array(SiteChannel),
});
export type WellSite = z.infer<typeof WellSite>;

const id = z.number().int().positive();

export const plateRequests = {
  'plates.list': { request: z.object({}).strict(), response: z.array(PlateSummary) },
  'plates.wells': {
    request: z.object({ plateId: z.number().int().positive() }).strict(),
    response: z.array(WellSummary),
  },
  /** Which per-well metrics this project can colour a plate by. */
  'plates.metrics': { request: z.object({}).strict(), response: z.array(MetricInfo) },
  /** One metric's per-well values on the given plates, with each plate's and the whole project's range. */
  'plates.metric': {
    request: z.object({ plateIds: z.array(id).min(1).max(64), metric: z.string().min(1).max(200) }).strict(),
    response: MetricResult,
  },
  /** A well's sites for the deep-zoom viewer; tiles come from the tile route (MiconApi.tiles). */
  'wells.sites': { request: z.object({ wellId: id }).strict(), response: z.array(WellSite) },
} as const;
