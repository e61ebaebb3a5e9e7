// Types for the part of Electron's API that main/app and preload/ use, for checkouts where the
// optional `electron` package is not installed (npm drops it when its binary cannot download).
//
// Why a *pattern* module ('*electron') and not `declare module 'electron'`: TypeScript consults
// pattern ambient modules only when an import cannot be resolved to a file. When the real package
// is installed, `import … from 'electron'` resolves to node_modules/electron/electron.d.ts and this
// file is ignored (no duplicate or conflicting declarations); the code is then checked against the
// real types. Without the package, this subset applies. Signatures follow electron.d.ts 45.x; add
// what you use, copying the real signature.
declare module '*electron' {
  type ElectronEvent<Params extends object = object> = {
    preventDefault: () => void;
    readonly defaultPrevented: boolean;
  } & Params;

  interface WebFrameMain {
    readonly url: string;
    readonly parent: WebFrameMain | null;
  }

  interface WindowOpenHandlerResponse {
    action: 'allow' | 'deny';
  }

  interface HandlerDetails {
    url: string;
  }

  interface WebContentsNavigationParams {
    url: string;
    isMainFrame: boolean;
  }

  class WebContents {
    static getAllWebContents(): WebContents[];
    readonly id: number;
    getURL(): string;
    isDestroyed(): boolean;
    send(channel: string, ...args: unknown[]): void;
    reload(): void;
    setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
    on(event: 'will-navigate', listener: (details: ElectronEvent<WebContentsNavigationParams>) => void): this;
    on(event: 'will-redirect', listener: (details: ElectronEvent<WebContentsNavigationParams>) => void): this;
    on(event: 'will-frame-navigate', listener: (details: ElectronEvent<WebContentsNavigationParams>) => void): this;
    on(event: 'will-attach-webview', listener: (event: ElectronEvent) => void): this;
    on(event: 'render-process-gone', listener: (event: ElectronEvent, details: RenderProcessGoneDetails) => void): this;
    on(
      event: 'did-fail-load',
      listener: (event: ElectronEvent, errorCode: number, errorDescription: string, validatedURL: string, isMainFrame: boolean, frameProcessId: number, frameRoutingId: number) => void,
    ): this;
  }

  interface RenderProcessGoneDetails {
    reason: 'clean-exit' | 'abnormal-exit' | 'killed' | 'crashed' | 'oom' | 'launch-failed' | 'integrity-failure' | 'memory-eviction';
    exitCode: number;
  }

  interface WebPreferences {
    preload?: string;
    contextIsolation?: boolean;
    sandbox?: boolean;
    nodeIntegration?: boolean;
    nodeIntegrationInWorker?: boolean;
    nodeIntegrationInSubFrames?: boolean;
    webSecurity?: boolean;
    allowRunningInsecureContent?: boolean;
    webviewTag?: boolean;
    spellcheck?: boolean;
    navigateOnDragDrop?: boolean;
    backgroundThrottling?: boolean;
    disableBlinkFeatures?: string;
  }

  interface BrowserWindowConstructorOptions {
    width?: number;
    height?: number;
    minWidth?: number;
    minHeight?: number;
    show?: boolean;
    title?: string;
    backgroundColor?: string;
    /** Linux and Windows: the window's icon (macOS uses the app bundle's). */
    icon?: string;
    webPreferences?: WebPreferences;
  }

  class BrowserWindow {
    constructor(options?: BrowserWindowConstructorOptions);
    static getAllWindows(): BrowserWindow[];
    readonly webContents: WebContents;
    show(): void;
    focus(): void;
    restore(): void;
    isMinimized(): boolean;
    isDestroyed(): boolean;
    destroy(): void;
    setTitle(title: string): void;
    /** 0..1 shows progress; -1 removes the bar; >1 is indeterminate (Electron BrowserWindow.setProgressBar). */
    setProgressBar(progress: number): void;
    loadURL(url: string): Promise<void>;
    once(event: 'ready-to-show', listener: () => void): this;
    on(event: 'page-title-updated', listener: (event: ElectronEvent, title: string, explicitSet: boolean) => void): this;
    on(event: 'closed', listener: () => void): this;
  }

  interface CommandLine {
    appendSwitch(the_switch: string, value?: string): void;
  }

  interface App {
    readonly isPackaged: boolean;
    readonly commandLine: CommandLine;
    requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean;
    whenReady(): Promise<void>;
    quit(): void;
    exit(exitCode?: number): void;
    getPath(name: 'home' | 'appData' | 'userData' | 'sessionData' | 'temp' | 'exe' | 'logs' | 'documents'): string;
    setPath(name: 'userData' | 'sessionData' | 'logs', path: string): void;
    getAppPath(): string;
    getVersion(): string;
    /** Windows: the taskbar's AppUserModelID (electron-builder's appId on the installed shortcuts). */
    setAppUserModelId(id: string): void;
    on(event: 'open-file', listener: (event: ElectronEvent, path: string) => void): this;
    on(event: 'second-instance', listener: (event: ElectronEvent, argv: string[], workingDirectory: string) => void): this;
    on(event: 'web-contents-created', listener: (event: ElectronEvent, webContents: WebContents) => void): this;
    on(event: 'window-all-closed', listener: () => void): this;
    on(event: 'activate', listener: (event: ElectronEvent, hasVisibleWindows: boolean) => void): this;
    on(event: 'will-quit', listener: (event: ElectronEvent) => void): this;
  }

  interface IpcMainInvokeEvent {
    readonly senderFrame: WebFrameMain | null;
    readonly sender: WebContents;
  }

  interface IpcMainEvent {
    readonly senderFrame: WebFrameMain | null;
    readonly sender: WebContents;
  }

  interface IpcMain {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
    removeHandler(channel: string): void;
    on(channel: string, listener: (event: IpcMainEvent, ...args: unknown[]) => void): this;
    removeAllListeners(channel?: string): this;
    removeListener(channel: string, listener: (event: IpcMainEvent, ...args: unknown[]) => void): this;
  }

  interface IpcRendererEvent {
    readonly senderId: number;
  }

  interface IpcRenderer {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    send(channel: string, ...args: unknown[]): void;
    on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): this;
    removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): this;
  }

  interface ContextBridge {
    exposeInMainWorld(apiKey: string, api: unknown): void;
  }

  interface Privileges {
    standard?: boolean;
    secure?: boolean;
    bypassCSP?: boolean;
    allowServiceWorkers?: boolean;
    supportFetchAPI?: boolean;
    corsEnabled?: boolean;
    stream?: boolean;
    codeCache?: boolean;
  }

  interface CustomScheme {
    scheme: string;
    privileges?: Privileges;
  }

  interface Protocol {
    registerSchemesAsPrivileged(customSchemes: CustomScheme[]): void;
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
    unhandle(scheme: string): void;
  }

  interface OnHeadersReceivedListenerDetails {
    url: string;
    method: string;
    responseHeaders?: Record<string, string[]>;
  }

  interface HeadersReceivedResponse {
    cancel?: boolean;
    responseHeaders?: Record<string, string | string[]>;
  }

  interface WebRequest {
    onHeadersReceived(
      listener: ((details: OnHeadersReceivedListenerDetails, callback: (response: HeadersReceivedResponse) => void) => void) | null,
    ): void;
  }

  interface Session {
    readonly webRequest: WebRequest;
    setPermissionRequestHandler(
      handler: ((webContents: WebContents, permission: string, callback: (permissionGranted: boolean) => void) => void) | null,
    ): void;
    setPermissionCheckHandler(handler: ((webContents: WebContents | null, permission: string) => boolean) | null): void;
  }

  interface Dialog {
    showErrorBox(title: string, content: string): void;
  }

  export const app: App;
  export const ipcMain: IpcMain;
  export const ipcRenderer: IpcRenderer;
  export const contextBridge: ContextBridge;
  /** Renderer/preload: the path on disk of a File from a drop or file input ('' when it has none). */
  export const webUtils: { getPathForFile(file: File): string };
  export const protocol: Protocol;
  export const dialog: Dialog;
  export const session: { readonly defaultSession: Session };
  export const webContents: typeof WebContents;
  export { BrowserWindow, WebContents };
  export type { IpcMainEvent, IpcMainInvokeEvent, IpcRendererEvent, BrowserWindowConstructorOptions };
}
