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


export const plateRequests = {
  'plates.list': { request: z.object({}).strict(), response: z.array(PlateSummary) },
  'plates.wells': {
    request: z.object({ plateId: z.number().int().positive() }).strict(),
    response: z.array(WellSummary),
  },
} as const;
