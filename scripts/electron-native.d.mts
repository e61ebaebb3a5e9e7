// Types for electron-native.mjs.
export declare const BINDING_FILE: string;
export declare function nativeDirName(electronVersion: string, platform?: string, arch?: string): string;
export declare function electronBindingPath(root: string, electronVersion: string, platform?: string, arch?: string): string;
export declare function electronBuildEnv(env?: Record<string, string | undefined>): Record<string, string>;
export declare function findNodeGyp(root?: string, env?: Record<string, string | undefined>): string | null;
export declare function buildBinding(options: {
  root?: string;
  runtime?: 'electron' | 'node';
  target: string;
  arch?: string;
  platform?: string;
  log?: (line: string) => void;
  tryPrebuilt?: boolean;
  gypArgs?: string[];
}): { file: string; tmp: string; method: 'prebuild-install' | 'node-gyp' };
export declare function ensureElectronNative(options?: {
  root?: string;
  force?: boolean;
  electronVersion?: string | null;
  log?: (line: string) => void;
}): { status: 'skipped' | 'present' | 'built'; reason: string; file?: string };
export declare function parseArgs(argv: string[]): { force: boolean; electronVersion: string | null };
