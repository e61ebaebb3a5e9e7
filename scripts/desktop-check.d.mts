// Types for desktop-check.mjs.
export declare const CATEGORIES: string;
export declare const PROJECT_EXT: string;
export declare function readIdentity(root: string): { appId: string | null; productName: string | null; mime: string | null };
export declare function checkBuilderConfig(root: string, config: unknown, pkg: Record<string, unknown>): string[];
export declare function parseDesktopEntry(text: string): Record<string, string>;
export declare function checkInstalledLayout(
  root: string,
  pkg: Record<string, unknown>,
  captureRoot: string,
): { problems: string[]; desktopEntry: Record<string, string>; mimeType: string | null; icons: string[] };
