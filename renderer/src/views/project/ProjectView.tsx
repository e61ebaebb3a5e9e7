// The project and the way data gets into it: open or create a project, then import plate folders
// (choose → preview and confirm → progress with cancel → result with every problem listed).
import { useState } from 'react';
import type { PlateSummary, ProjectInfo } from '@contract';
import { getApi } from '../../api';
import { FileChooser, type ChooseKind } from '../../components/FileChooser';
import { useAction } from '../../hooks/use-request';
import { ImportPanel } from './ImportPanel';
import { ProfileImportPanel } from './ProfileImportPanel';
import './project.css';

interface Chooser {
  kind: ChooseKind;
  title: string;
  then(path: string): void;
}

export function ProjectView({ info, plates, onChanged }: { info: ProjectInfo | null; plates: PlateSummary[] | null; onChanged(): void }) {
  const [chooser, setChooser] = useState<Chooser | null>(null);
  const { run, error } = useAction();
  const projectDir = info ? info.path.replace(/[\\/][^\\/]*$/, '') : null;

  const switchTo = (name: 'project.open' | 'project.create', path: string) => void run(() => getApi().invoke(name, { path }), onChanged);

  return (
    <div className="project-view" data-testid="project-view">
      <section className="card project-card">
        <h2>Project</h2>
        <div className="project-file" data-testid="project-file">
          {info?.path ?? '…'}
        </div>
        {info && (
          <div className="muted">
            {info.plates} plates · {info.wells.toLocaleString()} wells · {info.sites.toLocaleString()} sites · {info.compounds} compounds · schema v{info.schemaVersion}
          </div>
        )}
        <div className="row-actions">
          <button type="button" className="btn" data-testid="open-project" onClick={() => setChooser({ kind: 'project', title: 'Open a MICON project (.micon)', then: (p) => switchTo('project.open', p) })}>
            Open project…
          </button>
          <button type="button" className="btn" data-testid="new-project" onClick={() => setChooser({ kind: 'new-project', title: 'Create a new project', then: (p) => switchTo('project.create', p) })}>
            New project…
          </button>
        </div>
        {error && (
          <div className="error-inline" role="alert" data-testid="project-error">
            {error}
          </div>
        )}
      </section>
      <ImportPanel plates={plates} choose={(c) => setChooser(c)} />
      <ProfileImportPanel choose={(c) => setChooser(c)} />
      {chooser && <FileChooser kind={chooser.kind} title={chooser.title} start={projectDir} onChoose={(p) => {
            setChooser(null);
            chooser.then(p);
          }} onCancel={() => setChooser(null)} />}
    </div>
  );
}

export type { Chooser };
