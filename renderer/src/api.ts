import type { MiconApi } from '@contract';
import { createBrowserClient, takeToken } from './browser-client';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    micon?: MiconApi;
  }
}

let browserClient: MiconApi | null = null;

/** The typed API, whichever transport carries it; the UI never talks to anything else. */
export function getApi(): MiconApi {
  if (window.micon) return window.micon;
  browserClient ??= createBrowserClient(takeToken());
  return browserClient;
}
