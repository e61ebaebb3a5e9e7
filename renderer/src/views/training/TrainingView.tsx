// Train MICON (and the baselines) on this screen: choose data and settings, start / cancel / resume,
// watch every loss term live, then embed and compare MICON with the baselines on held-out compounds.
import { useEffect, useState } from 'react';
import { getApi } from '../../api';
import { useAction, useAsync } from '../../hooks/use-request';
import { latestJob, useJobs } from '../../jobs';
import { useNav } from '../../nav';
import { EvalTable } from './EvalTable';
import { LiveRun } from './LiveRun';
import { ModelsTable } from './ModelsTable';
import { SplitPanel } from './SplitPanel';
import { TrainForm } from './TrainForm';
import './training.css';

export function TrainingView() {
  const api = getApi();
  const { revision } = useNav();
  const jobs = useJobs();
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((t) => t + 1);
  const loaded = useAsync(
    () => Promise.all([api.invoke('models.list', {}), api.invoke('split.info', {}), api.invoke('featureSets.list', {}), api.invoke('train.runs', {})]),
    [api, revision, tick],
  );
  const [models, split, sets, runs] = loaded.data ?? [null, null, [], []];
  // Starting a job (here or in the form) and loading share one message line.
  const action = useAction();
  const error = action.error ?? loaded.error;

  const trainJob = latestJob(jobs, 'train');
  // A cancelled or failed run leaves checkpoints but no model: refresh what Resume can offer.
  const trainState = trainJob ? `${trainJob.jobId}:${trainJob.state}` : '';
  useEffect(() => {
    if (trainState.endsWith(':cancelled') || trainState.endsWith(':failed')) refresh();
  }, [trainState]);
  const running = jobs.find((j) => j.state === 'running') ?? null;
  const start = (kind: 'embed' | 'eval') => action.run(() => api.invoke('jobs.start', { kind }));

  return (
    <div className="training-view" data-testid="training-view">
      <div className="training-left">
        <SplitPanel split={split} disabled={running?.kind === 'train'} onChanged={refresh} />
        <TrainForm models={models ?? []} runs={runs} sets={sets} busy={running !== null} act={action.run} />
        {error && (
          <div className="error-inline" role="alert" data-testid="training-error">
            {error}
          </div>
        )}
      </div>
      <div className="training-right">
        <LiveRun job={trainJob} />
        <ModelsTable models={models} />
        <section className="card">
          <div className="card-head">
            <h2>Evaluation</h2>
            <span className="spacer" />
            <button type="button" className="btn" data-testid="run-embed" disabled={running !== null} onClick={() => void start('embed')} title="Embed every site with every trained model (ONNX Runtime) and build well profiles">
              Embed
            </button>
            <button type="button" className="btn" data-testid="run-eval" disabled={running !== null} onClick={() => void start('eval')} title="NSB/NSS retrieval and mAP for every feature set">
              Evaluate
            </button>
          </div>
          <EvalTable />
        </section>
      </div>
    </div>
  );
}
