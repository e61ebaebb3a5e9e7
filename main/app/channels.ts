// Names shared by the Electron main process and the sandboxed preload. No imports: the preload
// bundle inlines this file, and a sandboxed preload may require nothing but 'electron'.

/** The custom, privileged scheme the app's own pages load from (see protocol.ts). */
export const APP_SCHEME = 'micon';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;
/** Deep-zoom tiles of the open project's sites, served by the same scheme (see protocol.ts). */
export const TILE_BASE = `${APP_ORIGIN}/tiles`;

/** The one IPC channel for requests: (name, request) → InvokeResult. */
export const INVOKE_CHANNEL = 'micon:invoke';
/**
 * Renderer → main, sent by the preload only (never by the page): the path of a file or folder the user
 * dropped on the window, which main adds to the folders the page may use (see core/files/scope.ts).
 */
export const GRANT_CHANNEL = 'micon:grant-dropped';
/** Main → renderer pushes: { event, payload }. */
export const EVENT_CHANNEL = 'micon:event';

/** What travels back over INVOKE_CHANNEL: the same envelope as browser mode's HTTP body. */
export type InvokeResult = { ok: true; result: unknown } | { ok: false; error: string };

/** What travels over EVENT_CHANNEL. */
export interface EventMessage {
  event: string;
  payload: unknown;
}
