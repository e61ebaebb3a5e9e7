// What the plate-folder import will bring in: the user's choice and the preview the core reads for it.
import { useEffect } from 'react';
import type { IngestPreview } from '@contract';
import { getApi } from '../../api';
import { useAsync } from '../../hooks/use-request';

export const CHANNELS = ['DNA', 'ER', 'RNA', 'AGP', 'Mito'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Choice {
  folder: string;
  platemap?: string;
  plateMeta?: string;
  source?: string;
  batch?: string;
  channels?: Record<string, Channel>;
}

/** The preview of `choice` (a folder, not project data: asked again only when the choice changes). */
export function useIngestPreview(choice: Choice | null, setChoice: (c: Choice) => void): { preview: IngestPreview | null; loading: boolean; error: string | null } {
  const api = getApi();
  const loaded = useAsync(
    choice ? () => api.invoke('ingest.preview', { folder: choice.folder, platemap: choice.platemap, plateMeta: choice.plateMeta, channels: choice.channels }) : null,
    [api, choice],
  );
  const answered = loaded.data;
  useEffect(() => {
    // Offer what sits next to the plates when the user has not chosen yet.
    const p = answered;
    if (!p || !choice || p.folder !== choice.folder) return;
    if (!choice.platemap && !choice.plateMeta && (p.suggestions.platemaps.length === 1 || p.suggestions.plateMeta.length === 1)) {
      setChoice({ ...choice, platemap: p.suggestions.platemaps.length === 1 ? p.suggestions.platemaps[0] : undefined, plateMeta: p.suggestions.plateMeta.length === 1 ? p.suggestions.plateMeta[0] : undefined });
    }
    // Only a new answer suggests; the choice it answers is the current one.
  }, [answered]);
  // Another folder: the old preview must not stand in for the new one while it loads; a failed one shows none.
  const preview = !loaded.error && answered && answered.folder === choice?.folder ? answered : null;
  return { preview, loading: loaded.loading, error: loaded.error };
}
