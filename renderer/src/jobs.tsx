// The jobs of this session as the UI sees them: kept current from job.state / job.progress events,
// so every view (header, import, training) shows the same truth without polling.
import { createContext, useContext, useEffect, useRef, useState } from 'react';
import type { JobInfo, JobKind, JobOf, MiconApi } from '@contract';

export const JobsContext = createContext<JobInfo[]>([]);

export function useJobs(): JobInfo[] {
  return useContext(JobsContext);
}

/** The most recent job of a kind in a list (newest first), or null; typed by its kind (result included). */
export function latestJob<K extends JobKind>(jobs: JobInfo[], kind: K): JobOf<K> | null {
  return jobs.find((j): j is JobOf<K> => j.kind === kind) ?? null;
}

/** The most recent job of a kind (running or not), or null. */
export function useLatestJob<K extends JobKind>(kind: K): JobOf<K> | null {
  return latestJob(useJobs(), kind);
}

function upsert(list: JobInfo[], j: JobInfo): JobInfo[] {
  const rest = list.filter((x) => x.jobId !== j.jobId);
  return [j, ...rest].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

export function useJobsSubscription(api: MiconApi, onFinished: (j: JobInfo) => void): JobInfo[] {
  const [jobs, setJobs] = useState<JobInfo[]>([]);
  // The latest callback, without resubscribing (which could drop events in between).
  const finished = useRef(onFinished);
  finished.current = onFinished;
  useEffect(() => {
    let live = true;
    api.invoke('jobs.list', {}).then((l) => live && setJobs((cur) => l.reduce(upsert, cur)), () => undefined);
    const offState = api.on('job.state', (j) => {
      setJobs((cur) => upsert(cur, j));
      if (j.state !== 'running') finished.current(j);
    });
    const offProgress = api.on('job.progress', (p) =>
      setJobs((cur) =>
        cur.map((j) => {
          if (j.jobId !== p.jobId || j.state !== 'running') return j;
          const trainHistory = p.train && j.trainHistory[j.trainHistory.length - 1]?.step !== p.train.step ? [...j.trainHistory, p.train] : j.trainHistory;
          return { ...j, progress: p, trainHistory };
        }),
      ),
    );
    return () => {
      live = false;
      offState();
      offProgress();
    };
  }, [api]);
  return jobs;
}
