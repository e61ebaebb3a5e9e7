// Train MICON (and the baselines) on this screen: choose data and settings, start / cancel / resume,
// watch every loss term live, then embed and compare MICON with the baselines on held-out compounds.
import { useEffect, useState } from 'react';
import type { FeatureSetChoice, ModelInfo, SplitInfo } from '../../../../main/core/api/contract';
import { getApi } from '../../api';
import { errorMessage } from '../../errors';
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
  const [models, setModels] = useState<ModelInfo[] | null>(null);
  const [split, setSplit] = useState<SplitInfo | null>(null);
  const [sets, setSets] = useState<FeatureSetChoice[]>([]);
  const [runs, setRuns] = useState<{ name: string; step: number }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((t) => t + 1);

  useEffect(() => {
    let live = true;
    Promise.all([api.invoke('models.list', {}), api.invoke('split.info', {}), api.invoke('featureSets.list', {}), api.invoke('train.runs', {})]).then(
      ([m, s, f, r]) => {
        if (!live) return;
        setModels(m);
        setSplit(s);
        setSets(f);
        setRuns(r);
      },
      (e) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [api, revision, tick]);

  const trainJob = latestJob(jobs, 'train');
  // A cancelled or failed run leaves checkpoints but no model: refresh what Resume can offer.
  const trainState = trainJob ? `${trainJob.jobId}:${trainJob.state}` : '';
  useEffect(() => {
    if (trainState.endsWith(':cancelled') || trainState.endsWith(':failed')) refresh();
  }, [trainState]);
  const running = jobs.find((j) => j.state === 'running') ?? null;
  const start = (kind: 'embed' | 'eval') =>
    api.invoke('jobs.start', { kind }).then(
      () => setError(null),
      (e) => setError(errorMessage(e)),
    );

  return (
    <div className="training-view" data-testid="training-view">
      <div className="training-left">
        <SplitPanel split={split} disabled={running?.kind === 'train'} onChanged={refresh} />
        <TrainForm models={models ?? []} runs={runs} sets={sets} busy={running !== null} onError={setError} />
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
