/** A determinate bar when the total is known, an indeterminate one otherwise; always with the counts. */
export function ProgressBar({ done, total, label }: { done: number; total: number; label?: string }) {
  const pct = total > 0 ? Math.min(100, (100 * done) / total) : null;
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={total || undefined} aria-valuenow={total ? done : undefined} aria-label={label}>
      <div className={`progress-fill${pct === null ? ' indeterminate' : ''}`} style={pct === null ? undefined : { width: `${pct}%` }} />
      <span className="progress-text">{total > 0 ? `${done.toLocaleString()} / ${total.toLocaleString()}` : '…'}</span>
    </div>
  );
}
