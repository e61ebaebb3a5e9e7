// Train a model: the settings (TrainFields), Start, and Resume from the newest checkpoint of the run
// those settings name.
import { TRAIN_DEFAULTS, type FeatureSetChoice, type ModelInfo } from '@contract';
import { getApi } from '../../api';
import type { Action } from '../../hooks/use-request';
import { TrainFields } from './TrainFields';
import { num, runName, useTrainSettings } from './train-settings';

interface Props {
  models: ModelInfo[];
  runs: { name: string; step: number }[];
  sets: FeatureSetChoice[];
  busy: boolean;
  /** Runs the start request; the parent shows its error. */
  act: Action['run'];
}

export function TrainForm({ models, runs, sets, busy, act }: Props) {
  const s = useTrainSettings(sets);
  const { model, encoder, steps, featureSource } = s;
  const start = (resume: boolean) => act(() => getApi().invoke('jobs.start', s.request(resume)));
  // Resume continues the run this model/encoder/feature choice names, from its newest checkpoint; a
  // finished model can be resumed too, to train it for more steps.
  const name = runName(model, encoder, featureSource);
  const run = runs.find((r) => r.name === name);
  const finished = models.find((m) => m.name.replace(/[^A-Za-z0-9_.+@-]/g, '_') === name && m.status === 'trained');
  const target = num(steps) ?? TRAIN_DEFAULTS[encoder].steps;
  const canResume = !!run && !(finished && finished.step >= run.step && target <= run.step);
  return (
    <section className="card" data-testid="train-form">
      <h2>Train</h2>
      <TrainFields s={s} models={models} />
      <div className="row-actions">
        <button type="button" className="btn primary" data-testid="start-train" disabled={busy} onClick={() => void start(false)}>
          Start training
        </button>
        <button
          type="button"
          className="btn"
          data-testid="resume-train"
          disabled={busy || !canResume}
          title={canResume ? `continue ${name} from its checkpoint at step ${run!.step} to step ${target}` : run ? `${name} already reached step ${run.step}; raise Steps to train on` : `no checkpoint of ${name} yet`}
          onClick={() => void start(true)}
        >
          Resume{canResume ? ` from step ${run!.step}` : ''}
        </button>
      </div>
    </section>
  );
}
