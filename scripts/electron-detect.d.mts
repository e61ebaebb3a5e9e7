// Types for electron-detect.mjs (the scripts are plain ESM so they run before anything is built).
export declare const projectRoot: string;

export interface ElectronDetection {
  installed: boolean;
  packageInstalled: boolean;
  version?: string | null;
  dir?: string;
  binary?: string;
  reason: string;
  summary: string;
}

export declare function packageVersion(name: string, options?: { root?: string }): string | null;
export declare function detectElectron(options?: {
  root?: string;
  env?: Record<string, string | undefined>;
  platform?: string;
}): ElectronDetection;
