// Types for start-lib.mjs.
export interface StartArgs {
  project: string | null;
  port: string | null;
  browser: boolean;
  unknown: string[];
}
export declare function parseStartArgs(argv: string[]): StartArgs;
export declare function pickBrowserProject(
  root: string,
  explicit: string | null,
  options?: { cwd?: string; exists?: (file: string) => boolean },
): { file: string; note: string };
export declare function rendererStale(root: string): { stale: boolean; reason: string };
export declare function appBuildStale(root: string): { stale: boolean; reason: string };
export declare function packageBin(root: string, name: string, rel: string): string;
