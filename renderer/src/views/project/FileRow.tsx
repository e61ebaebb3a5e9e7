/** One chosen file or folder of an import form: its path (or "none chosen"), Choose…, and clear. */
export function FileRow({ label, value, onClick, onClear, disabled, testId }: { label: string; value?: string; onClick(): void; onClear?(): void; disabled?: boolean; testId: string }) {
  return (
    <div className="file-row">
      <span className="file-label">{label}</span>
      <span className={`file-value${value ? '' : ' muted'}`} title={value} data-testid={`${testId}-value`}>
        {value ?? 'none chosen'}
      </span>
      <button type="button" className="btn" data-testid={testId} disabled={disabled} onClick={onClick}>
        Choose…
      </button>
      {onClear && (
        <button type="button" className="small" onClick={onClear} aria-label={`clear ${label}`}>
          ✕
        </button>
      )}
    </div>
  );
}
