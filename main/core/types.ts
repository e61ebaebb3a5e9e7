// Domain types shared by every part of the core (no runtime code here).

/** The five Cell Painting channels, by biological name. Channel order on disk never decides this. */
export const CHANNELS = ['DNA', 'ER', 'RNA', 'AGP', 'Mito'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export const LAYOUTS = ['imagexpress', 'phenix', 'cellvoyager', 'loaddata'] as const;
export type Layout = (typeof LAYOUTS)[number];

export type PertType = 'trt' | 'negcon' | 'poscon' | 'empty';

/** Something wrong with the input, located as precisely as we can. */
export interface Problem {
  file?: string;
  well?: string;
  row?: number;
  message: string;
  /** warning: the item was skipped and the import went on; error: the plate (or import) was refused. */
  severity: 'warning' | 'error';
}

/** One image file = one channel of one site of one well. */
export interface ImageRecord {
  file: string; // absolute path
  plate: string; // plate barcode / name
  well: string; // canonical, e.g. "A01"
  site: number; // 1-based
  channel: ChannelName;
  /** The instrument's own identifier for the channel (e.g. "w2", "ch3", "C04", "OrigER"). */
  channelRaw: string;
}

/** What a layout scanner found in a plate folder. */
export interface ScannedPlate {
  name: string;
  folder: string;
  layout: Layout;
  pixelSizeUm?: number;
  /** Raw channel id -> the instrument's channel name, when the instrument wrote one. */
  channelNames: Record<string, string>;
  /** Raw channel id -> canonical channel. */
  channelMap: Record<string, ChannelName>;
  /** Which instrument name became which channel and by which rule, in words (for the import summary). */
  channelMapping?: string;
  rows?: number;
  cols?: number;
  images: ImageRecord[];
}

export interface ScanResult {
  layout: Layout;
  plates: ScannedPlate[];
  problems: Problem[];
  /** Plate folders refused while scanning (channels not mappable), when other plates could be read. */
  refused?: string[];
  /** Plates of other layouts found in the folder and not read by this import (per layout: folders or CSVs). */
  skipped?: SkippedPlates[];
}

export interface SkippedPlates {
  layout: Layout;
  plates: string[];
}

/** SQLite's "database is locked": another connection holds the project's write lock. */
export const isBusyError = (e: unknown): boolean => String((e as { code?: unknown })?.code ?? '').startsWith('SQLITE_BUSY');

/** Thrown for input the user must fix; the message names the file/row/well. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** The project's write lock is held elsewhere (a job, another process): try again later (HTTP 409). */
export class ProjectBusyError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectBusyError';
  }
}
