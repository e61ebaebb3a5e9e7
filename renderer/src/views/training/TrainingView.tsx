export function TrainingView() {
  return <div className="placeholder">Training: coming in this change.</div>;
}
