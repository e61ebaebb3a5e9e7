import { CHANNELS, type ChannelName, type ImageRecord, type Problem } from '../types.js';

export interface SiteFiles {
  well: string;
  site: number;
  files: Record<ChannelName, ImageRecord>;
}

/**
 * Group a plate's images into complete 5-channel sites. The rule for missing channels: a site lacking
 * any of the five is skipped with a warning naming the well, site and channels; a well is kept when at
 * least one of its sites is complete, and a well with none gets one more warning that it is not imported.
 */
export function groupSites(images: ImageRecord[], plate: string): { sites: SiteFiles[]; problems: Problem[]; incomplete: number } {
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
  const kept = new Set(sites.map((s) => s.well));
  const dropped = new Map<string, ImageRecord>();
  for (const img of images) if (!kept.has(img.well) && !dropped.has(img.well)) dropped.set(img.well, img);
  for (const [well, img] of [...dropped].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    problems.push({ file: img.file, well, message: `plate ${plate} well ${well}: no site has all five channels; well not imported`, severity: 'warning' });
  }
  return { sites, problems, incomplete: bySite.size - sites.length };
}
