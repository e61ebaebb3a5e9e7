// Hardening that applies to every web page the app creates: no new windows, no navigation away
// from the app, no permissions, and a Content-Security-Policy on the app's own responses.
import { app, session, type WebContents } from 'electron';
import { contentSecurityPolicy, withCsp } from './app-files.js';
import { isAppUrl, originOf } from './ipc-guard.js';

export function hardenContents(contents: WebContents, allowed: readonly string[]): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const stayInApp = (details: { url: string; preventDefault: () => void }) => {
    if (!isAppUrl(details.url, allowed)) details.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  // will-navigate fires for the main frame only; an iframe (say, injected by a renderer XSS) must not
  // be navigated off the app's origin either.
  contents.on('will-frame-navigate', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Call before app 'ready': hardens every webContents as it is created. */
export function hardenAllContents(allowed: readonly string[]): void {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, allowed));
}

/** Call after app 'ready': permissions and CSP on the default session. */
export function secureSession(allowed: readonly string[], devServerUrl: string | null): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  const csp = contentSecurityPolicy(devServerUrl ? originOf(devServerUrl) : null);
  // micon:// responses also carry the header from protocol.ts; this covers the dev server, whose
  // responses we do not build ourselves.
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (isAppUrl(details.url, allowed)) callback({ responseHeaders: withCsp(details.responseHeaders, csp) });
    else callback({});
  });
}
