// Types for icons-lib.mjs.
export declare const SOURCE: string;
export declare const BUILD: string;
export declare const MANIFEST: string;
export declare const LINUX_SIZES: number[];
export declare const ICO_SIZES: number[];
export declare const ICNS_TYPES: Record<string, number>;
export declare const FAVICON: string;
export declare const WINDOW_ICON: string;
export declare const WINDOW_ICON_SIZE: number;
export declare function linuxIcon(size: number): string;
export declare function renderPng(svg: Buffer, size: number): Promise<Buffer>;
export declare function buildIcons(root: string): Promise<Map<string, Buffer>>;
export declare function checkIcons(root: string): Promise<string[]>;
