import { CHANNELS, type ChannelName, type ImageRecord, type Problem } from '../types.js';

export interface SiteFiles {
  well: string;
  site: number;
  files: Record<ChannelName, ImageRecord>;
}

/** Group a plate's images into complete 5-channel sites; incomplete sites are skipped with a warning. */
export function groupSites(images: ImageRecord[], plate: string): { sites: SiteFiles[]; problems: Problem[] } {
  const bySite = new Map<string, Partial<Record<ChannelName, ImageRecord>>>();
  const problems: Problem[] = [];
  for (const img of images) {
    const key = `${img.well}\u0000${img.site}`;
    const entry = bySite.get(key) ?? {};
    if (entry[img.channel]) {
      problems.push({
        file: img.file,
        well: img.well,
        message: `plate ${plate} well ${img.well} site ${img.site}: two files for channel ${img.channel} (${entry[img.channel]!.file} and ${img.file}); kept the first`,
        severity: 'warning',
      });
      continue;
    }
    entry[img.channel] = img;
    bySite.set(key, entry);
  }
  const sites: SiteFiles[] = [];
  for (const [key, files] of bySite) {
    const [well, siteStr] = key.split('\u0000');
    const site = Number(siteStr);
    const missing = CHANNELS.filter((c) => !files[c]);
    if (missing.length) {
      const some = Object.values(files)[0]!;
      problems.push({
        file: some.file,
        well,
        message: `plate ${plate} well ${well} site ${site}: missing ${missing.join(', ')} image${missing.length > 1 ? 's' : ''}; site skipped`,
        severity: 'warning',
      });
      continue;
    }
    sites.push({ well, site, files: files as Record<ChannelName, ImageRecord> });
  }
  sites.sort((a, b) => (a.well === b.well ? a.site - b.site : a.well < b.well ? -1 : 1));
  return { sites, problems };
}
