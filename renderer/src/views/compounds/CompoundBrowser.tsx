export function CompoundBrowser() {
  return <div className="placeholder">Compound browser: coming in this change.</div>;
}
