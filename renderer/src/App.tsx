import { useCallback, useEffect, useState, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react';
import type { JobInfo, PlateSummary, ProjectInfo } from '@contract';
import { getApi } from './api';
import { useAsync } from './hooks/use-request';
import { JobsContext, useJobsSubscription } from './jobs';
import { NavContext, VIEWS, type Route, type ViewName } from './nav';
import { CompoundBrowser } from './views/compounds/CompoundBrowser';
import { Header } from './views/Header';
import { PlatesView } from './views/plates/PlatesView';
import { ProjectView } from './views/project/ProjectView';
import { SimilarityView } from './views/similarity/SimilarityView';
import { TrainingView } from './views/training/TrainingView';
import { useTaskbarProgress } from './taskbar';

function KeepAlive({ name, current, children }: { name: ViewName; current: ViewName; children: ReactNode }) {
  const [opened, setOpened] = useState(name === current);
  useEffect(() => {
    if (name === current) setOpened(true);
  }, [name, current]);
  if (!opened && name !== current) return null;
  return (
    <div className="view" data-testid={`view-${name}`} hidden={name !== current}>
      {children}
    </div>
  );
}

export function App() {
  const api = getApi();
  const [route, setRoute] = useState<Route>({ view: 'plates' });
  const [revision, setRevision] = useState(0);

  const reload = useCallback(() => setRevision((r) => r + 1), []);
  const jobs = useJobsSubscription(api, (j: JobInfo) => {
    if (j.state === 'done') reload();
  });
  useTaskbarProgress(jobs);

  // The nav context is provided below, so the revision is passed explicitly here.
  const project = useAsync(() => Promise.all([api.invoke('project.info', {}), api.invoke('plates.list', {})]), [api, revision]);
  const info: ProjectInfo | null = project.data?.[0] ?? null;
  const plates: PlateSummary[] | null = project.data?.[1] ?? null;
  const error = project.error;

  // First visit: a project without plates starts on the import view.
  useEffect(() => {
    if (plates && plates.length === 0 && revision === 0) setRoute({ view: 'project' });
  }, [plates, revision]);

  // Alt+1…5 switch views from anywhere (Ctrl/Cmd+digit belong to the browser's tabs).
  const onKeyDown = (e: ReactKeyboardEvent) => {
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    const v = VIEWS.find((x) => x.key === e.key);
    if (!v) return;
    e.preventDefault();
    setRoute({ view: v.view } as Route);
  };

  const nav = { route, go: setRoute, revision };
  return (
    <NavContext.Provider value={nav}>
      <JobsContext.Provider value={jobs}>
        <div className="app" onKeyDown={onKeyDown}>
          <Header info={info} />
          <nav className="tabs" role="tablist" aria-label="Views">
            {VIEWS.map((v) => (
              <button
                key={v.view}
                type="button"
                role="tab"
                className={`tab${route.view === v.view ? ' active' : ''}`}
                aria-selected={route.view === v.view}
                data-testid={`tab-${v.view}`}
                title={`Alt+${v.key}`}
                onClick={() => setRoute({ view: v.view } as Route)}
              >
                {v.label}
              </button>
            ))}
          </nav>
          {error && (
            <div className="error-banner" role="alert" data-testid="error">
              {error}
            </div>
          )}
          {/* A view, once opened, stays mounted (hidden when not shown): a half-filled form, a search's
              results or a zoomed plate survive a look at another view. */}
          <KeepAlive name="project" current={route.view}>
            <ProjectView info={info} plates={plates} onChanged={reload} />
          </KeepAlive>
          <KeepAlive name="plates" current={route.view}>
            <PlatesView info={info} plates={plates} />
          </KeepAlive>
          <KeepAlive name="compounds" current={route.view}>
            <CompoundBrowser />
          </KeepAlive>
          <KeepAlive name="similarity" current={route.view}>
            <SimilarityView />
          </KeepAlive>
          <KeepAlive name="training" current={route.view}>
            <TrainingView />
          </KeepAlive>
        </div>
      </JobsContext.Provider>
    </NavContext.Provider>
  );
}
