import { useState } from 'react';

interface Problem {
  file?: string;
  well?: string;
  row?: number;
  message: string;
  severity: 'warning' | 'error';
}

const SHOW = 50;

/** Problems as a scientist reads them: errors first, each with its file, row and well. */
export function ProblemList({ problems, testId }: { problems: Problem[]; testId: string }) {
  const [all, setAll] = useState(false);
  if (!problems.length) return null;
  const sorted = [...problems].sort((a, b) => Number(b.severity === 'error') - Number(a.severity === 'error'));
  const errors = problems.filter((p) => p.severity === 'error').length;
  const shown = all ? sorted : sorted.slice(0, SHOW);
  return (
    <div className="problems" data-testid={testId}>
      <div className="problems-head">
        {errors > 0 && <span className="tag tag-error">{errors} error{errors === 1 ? '' : 's'}</span>}
        {problems.length - errors > 0 && (
          <span className="tag tag-warn">
            {problems.length - errors} warning{problems.length - errors === 1 ? '' : 's'}
          </span>
        )}
      </div>
      <ul>
        {shown.map((p, i) => (
          <li key={i} className={`problem problem-${p.severity}`} data-testid="problem">
            {p.file && <span className="problem-where">{p.file.split(/[\\/]/).slice(-2).join('/')}</span>}
            {p.row !== undefined && <span className="problem-where">row {p.row}</span>}
            {p.well && <span className="problem-where">well {p.well}</span>}
            <span title={p.file}>{p.message}</span>
          </li>
        ))}
      </ul>
      {!all && sorted.length > SHOW && (
        <button type="button" className="link" onClick={() => setAll(true)}>
          Show all {sorted.length}
        </button>
      )}
    </div>
  );
}
