// Per-channel display state of the well viewer, and how it turns into tile settings.
import type { Channel as ChannelName, SiteChannel } from '@contract';
import { parseHexColor, type ChannelSetting } from '../../../../main/core/images/tile-url';

export interface ChannelView {
  name: string;
  visible: boolean;
  /** #rrggbb */
  color: string;
  min: number;
  max: number;
  /** Follows the site's automatic limits (switching sites updates them) until the user sets limits. */
  auto: boolean;
}

// Cell Painting's usual false colours; additive, so overlapping stains mix.
const DEFAULT_COLOR: Record<string, string> = { DNA: '#3a6bff', ER: '#00d000', RNA: '#00c8c8', AGP: '#ff3030', Mito: '#d040ff' };

export function defaultChannels(channels: SiteChannel[]): ChannelView[] {
  return channels.map((c) => ({ name: c.name, visible: true, color: DEFAULT_COLOR[c.name] ?? '#ffffff', min: c.auto.min, max: c.auto.max, auto: true }));
}

/** Carry the user's choices to another site: channels on auto take that site's limits. */
export function forSite(views: ChannelView[], channels: SiteChannel[]): ChannelView[] {
  return views.map((v) => {
    const c = channels.find((x) => x.name === v.name);
    return v.auto && c ? { ...v, min: c.auto.min, max: c.auto.max } : v;
  });
}

export function tileSettings(views: ChannelView[]): ChannelSetting[] {
  return views
    .filter((v) => v.visible)
    .map((v) => {
      const min = Math.max(0, Math.min(65534, Math.round(v.min)));
      return { channel: v.name as ChannelName, color: parseHexColor(v.color), min, max: Math.max(min + 1, Math.min(65535, Math.round(v.max))) };
    });
}
