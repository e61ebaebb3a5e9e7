// The one API contract between the UI and the core. Both transports (Electron IPC via preload, and
// browser mode over HTTP+WebSocket) carry exactly these requests and events, validated with zod on
// the receiving side. Each area declares its requests in contract-<area>.ts; this file joins them.
// Add a request there and TypeScript shows every place that must handle it.
import { compoundRequests } from './contract-compounds.js';
import { jobEvents, jobRequests } from './contract-jobs.js';
import { plateRequests } from './contract-plates.js';
import { projectRequests } from './contract-project.js';
import { searchRequests } from './contract-search.js';
import type { z } from 'zod';
import { joinDistinct } from './join-maps.js';

export * from './contract-compounds.js';
export * from './contract-jobs.js';
export * from './contract-plates.js';
export * from './contract-project.js';
export * from './contract-search.js';
// Core result shapes the renderer shows: exported here so the UI imports only the contract (lint-enforced).
export type { ChannelName } from '../types.js';
export type { IngestSummary } from '../ingest/ingest.js';
export type { ImportProfilesSummary } from '../embeddings/import-profiles.js';

export const requests = joinDistinct({ projectRequests, plateRequests, compoundRequests, searchRequests, jobRequests });

export const events = joinDistinct({ jobEvents });

export type RequestName = keyof typeof requests;
export type Req<K extends RequestName> = z.infer<(typeof requests)[K]['request']>;
export type Res<K extends RequestName> = z.infer<(typeof requests)[K]['response']>;
export type EventName = keyof typeof events;
export type EventPayload<K extends EventName> = z.infer<(typeof events)[K]>;

/** What `window.micon` is in the renderer, whichever transport carries it. */
export interface MiconApi {
  invoke<K extends RequestName>(name: K, request: Req<K>): Promise<Res<K>>;
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
  /** Desktop app only: where a dropped file or folder lives on disk (browser pages cannot know). */
  pathForFile?(file: File): string | null;
  /**
   * Where deep-zoom tiles come from on this transport: `${base}${tilePath(…)}` (images/tile-url.ts),
   * fetched with `headers` (browser mode: the bearer token; Electron: none, its scheme serves them).
   */
  readonly tiles: { base: string; headers: Record<string, string> };
}

type Spec = { request: z.ZodType; response: z.ZodType };
/** Handlers for one area's requests (contract-<area>.ts), as handlers-<area>.ts implements them. */
export type HandlersOf<G extends Record<string, Spec>> = {
  [K in keyof G]: (request: z.infer<G[K]['request']>) => Promise<z.infer<G[K]['response']>> | z.infer<G[K]['response']>;
};

/** Server-side implementation of every request; written once, used by both transports. */
export type Handlers = { [K in RequestName]: (request: Req<K>) => Promise<Res<K>> | Res<K> };

export function isRequestName(name: string): name is RequestName {
  return Object.prototype.hasOwnProperty.call(requests, name);
}

/** Validate an incoming request for `name`; throws a ZodError with the path of the bad field. */
export function parseRequest<K extends RequestName>(name: K, payload: unknown): Req<K> {
  return requests[name].request.parse(payload ?? {}) as Req<K>;
}
