export function SimilarityView() {
  return <div className="placeholder">Similarity explorer: coming in this change.</div>;
}
