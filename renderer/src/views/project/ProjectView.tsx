import type { PlateSummary, ProjectInfo } from '../../../../main/core/api/contract';

export function ProjectView(_: { info: ProjectInfo | null; plates: PlateSummary[] | null; onChanged(): void }) {
  return <div className="placeholder">Project and import: coming in this change.</div>;
}
