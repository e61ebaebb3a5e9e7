import { CONTROL, OTHER, type Colors } from './scatter-colors';

/** What the map's marks and colours mean; categories beyond the palette are counted, in grey. */
export function ScatterLegend({ colors }: { colors: Colors }) {
  return (
    <div className="scatter-legend" data-testid="map-legend">
      <span className="legend-entry">
        <i style={{ background: '#111' }} className="diamond" /> query
      </span>
      <span className="legend-entry">
        <i style={{ border: '1.5px solid #111' }} /> hits
      </span>
      <span className="legend-entry">
        <i style={{ background: CONTROL }} /> DMSO
      </span>
      {colors.legend.map((l) => (
        <span key={l.c} className="legend-entry" title={`${l.n} wells`}>
          <i style={{ background: l.color }} /> {l.c}
        </span>
      ))}
      {colors.others > 0 && (
        <span className="legend-entry">
          <i style={{ background: OTHER }} /> {colors.others} more
        </span>
      )}
    </div>
  );
}
