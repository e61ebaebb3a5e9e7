// Browser mode has no task bar; the tab title carries a long job's progress instead ("[42%] …").
// The Electron shell sets the window's task-bar progress itself from the same events.
import { useEffect } from 'react';
import type { JobInfo } from '@contract';

const BASE_TITLE = 'MICON Studio';

export function useTaskbarProgress(jobs: JobInfo[]): void {
  const running = jobs.find((j) => j.state === 'running');
  const p = running?.progress;
  const pct = p && p.total > 0 ? Math.floor((100 * p.done) / p.total) : null;
  const label = running ? `[${pct === null ? '…' : `${pct}%`}] ${running.kind} · ${BASE_TITLE}` : BASE_TITLE;
  useEffect(() => {
    document.title = label;
  }, [label]);
}
