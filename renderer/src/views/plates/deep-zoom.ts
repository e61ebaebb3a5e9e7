// OpenSeadragon over our tile route: one viewer per dialog, a tile source per (site, settings).
// Changing colours or limits adds the new rendering on top and drops the old one only once the new
// one has fully loaded, so the image never blinks to black while tiles arrive.
import OpenSeadragon from 'openseadragon';
import { useEffect, useRef, type RefObject } from 'react';
import type { WellSite } from '@contract';
import { tilePath, type ChannelSetting } from '../../../../main/core/images/tile-url';
import { getApi } from '../../api';

function tileSource(site: WellSite, channels: ChannelSetting[]) {
  const { base } = getApi().tiles;
  return {
    width: site.width,
    height: site.height,
    tileSize: site.tileSize,
    tileOverlap: 0,
    minLevel: 0,
    maxLevel: site.maxLevel,
    getTileUrl: (level: number, x: number, y: number) => base + tilePath({ siteId: site.siteId, level, x, y, channels }),
  };
}

/** Mounts a viewer in `host`; returns it through the ref once created. */
export function useDeepZoom(host: RefObject<HTMLDivElement | null>, site: WellSite | null, channels: ChannelSetting[], onLoaded: (n: number) => void) {
  const viewer = useRef<OpenSeadragon.Viewer | null>(null);
  const loads = useRef(0);
  const settings = JSON.stringify(channels);

  useEffect(() => {
    if (!host.current) return;
    const v = OpenSeadragon({
      element: host.current,
      // Our own buttons: the default ones need image files, and the keyboard shortcuts below suffice.
      showNavigationControl: false,
      loadTilesWithAjax: true,
      ajaxHeaders: getApi().tiles.headers,
      drawer: 'canvas',
      visibilityRatio: 0.5,
      maxZoomPixelRatio: 4,
      animationTime: 0.4,
      gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true },
    });
    viewer.current = v;
    return () => {
      viewer.current = null;
      v.destroy();
    };
  }, [host]);

  // A new site: a fresh image and viewport.
  useEffect(() => {
    const v = viewer.current;
    if (!v || !site) return;
    v.world.removeAll();
    add(v, site, channels, true);
    // Settings changes are handled below; this only reacts to the site.
  }, [site?.siteId]);

  // New settings for the same site: debounce slider drags, then swap the image when the new one is in.
  useEffect(() => {
    const v = viewer.current;
    if (!v || !site || v.world.getItemCount() === 0) return;
    const t = setTimeout(() => add(v, site, channels, false), 120);
    return () => clearTimeout(t);
  }, [settings]);

  function add(v: OpenSeadragon.Viewer, s: WellSite, ch: ChannelSetting[], home: boolean) {
    v.addTiledImage({
      tileSource: tileSource(s, ch) as unknown as OpenSeadragon.TileSourceOptions,
      success: (e: { item: OpenSeadragon.TiledImage }) => {
        if (home) v.viewport.goHome(true);
        const item = e.item;
        const done = () => {
          // Everything below the newest complete rendering is hidden by it: remove it.
          for (let i = v.world.getIndexOfItem(item) - 1; i >= 0; i--) v.world.removeItem(v.world.getItemAt(i));
          loads.current++;
          onLoaded(loads.current);
        };
        if (item.getFullyLoaded()) return done();
        const onChange = (ev: { fullyLoaded: boolean }) => {
          if (!ev.fullyLoaded) return;
          item.removeHandler('fully-loaded-change', onChange);
          done();
        };
        item.addHandler('fully-loaded-change', onChange);
      },
    } as unknown as OpenSeadragon.TileSourceSpecifier);
  }

  return viewer;
}
