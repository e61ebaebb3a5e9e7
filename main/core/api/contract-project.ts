// The project itself: which file is open, opening/creating another, choosing folders, ingest preview.
import { z } from 'zod';
import { CHANNELS } from '../types.js';

/** The five Cell Painting channels (types.ts), as the API accepts them. */
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

export const ProjectInfo = z.object({
  path: z.string(),
  schemaVersion: z.number().int(),
  plates: z.number().int(),
  wells: z.number().int(),
  sites: z.number().int(),
  compounds: z.number().int(),
  /** Which shell is serving the UI, and why (e.g. browser mode because no Electron binary). */
  transport: z.enum(['electron', 'browser']),
  transportNote: z.string().nullable(),
  /** Why the project is open read-only (a newer schema, a read-only file or folder); null when writable. */
  readOnly: z.string().nullable(),
});
export type ProjectInfo = z.infer<typeof ProjectInfo>;



export const FsEntry = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['dir', 'project', 'csv', 'image', 'other']),
});

export const FsBrowseResult = z.object({
  path: z.string(),
  parent: z.string().nullable(),
  home: z.string(),
  entries: z.array(FsEntry),
  /** More entries than were listed (very large folders are cut, folders first). */
  truncated: z.boolean(),
  /** The folders this session may use (the chooser cannot leave them); empty: anywhere. */
  roots: z.array(z.string()),
});
export type FsBrowseResult = z.infer<typeof FsBrowseResult>;

export const Problem = z.object({
  file: z.string().optional(),
  well: z.string().optional(),
  row: z.number().optional(),
  message: z.string(),
  severity: z.enum(['warning', 'error']),
});
export type Problem = z.infer<typeof Problem>;

export const IngestPreviewRequest = z
  .object({
    folder: z.string().min(1),
    platemap: z.string().min(1).optional(),
    plateMeta: z.string().min(1).optional(),
    channels: z.record(z.string().min(1).max(100), Channel).optional(),
  })
  .strict();

/** What an import would bring in, before anything is written: the user confirms this. */
export const IngestPreview = z.object({
  folder: z.string(),
  layout: z.string(),
  layoutLabel: z.string(),
  plates: z.array(
    z.object({
      name: z.string(),
      folder: z.string(),
      wells: z.number().int(),
      sites: z.number().int(),
      images: z.number().int(),
      channels: z.array(z.object({ rawId: z.string(), channel: z.string(), instrumentName: z.string().nullable() })),
      pixelSizeUm: z.number().nullable(),
      /** Already in the project: importing replaces it. */
      existing: z.boolean(),
      source: z.string().nullable(),
      batch: z.string().nullable(),
      replicate: z.number().int().nullable(),
    }),
  ),
  platemap: z
    .object({ file: z.string(), entries: z.number().int(), plates: z.array(z.string()), compounds: z.number().int(), controls: z.number().int() })
    .nullable(),
  /** Platemap and plate-metadata CSVs found next to the folder, offered when none was chosen. */
  suggestions: z.object({ platemaps: z.array(z.string()), plateMeta: z.array(z.string()) }),
  problems: z.array(Problem),
});
export type IngestPreview = z.infer<typeof IngestPreview>;

export const ProfilePreviewRequest = z
  .object({
    file: z.string().min(1).max(4096),
    /** Explicit roles, `well=Col,plate=Col2,…` (as `import-profiles --columns`). */
    columns: z.string().max(4096).optional(),
  })
  .strict();

const Role = z.string().nullable();
/** What `import-profiles --create-plates` would read from a profile table (header and first rows; nothing written). */
export const ProfilePreview = z.object({
  file: z.string(),
  format: z.enum(['csv', 'parquet']),
  columns: z.number().int(),
  roles: z.object({
    plate: Role,
    well: Role,
    source: Role,
    batch: Role,
    replicate: Role,
    compound: Role,
    name: Role,
    smiles: Role,
    control: Role,
    moa: Role,
    target: Role,
    concentration: Role,
  }),
  perRowColumns: z.array(z.string()),
  featureColumns: z.number().int(),
  textColumns: z.array(z.string()),
  rowsRead: z.number().int(),
  sample: z.array(
    z.object({ where: z.string(), plate: z.string(), well: z.string(), compound: z.string().nullable(), control: z.string().nullable(), smiles: z.string().nullable() }),
  ),
  plates: z.array(z.string()),
  problems: z.array(Problem),
});
export type ProfilePreview = z.infer<typeof ProfilePreview>;

const PathRequest = z.object({ path: z.string().min(1).max(4096) }).strict();

export const projectRequestsMore = {
  'project.open': { request: PathRequest, response: ProjectInfo },
  'project.create': { request: PathRequest, response: ProjectInfo },
  'fs.browse': { request: z.object({ path: z.string().max(4096).optional() }).strict(), response: FsBrowseResult },
  'ingest.preview': { request: IngestPreviewRequest, response: IngestPreview },
  'profiles.preview': { request: ProfilePreviewRequest, response: ProfilePreview },
} as const;

export const projectRequests = {
  'project.info': { request: z.object({}).strict(), response: ProjectInfo },
  ...projectRequestsMore,
} as const;
