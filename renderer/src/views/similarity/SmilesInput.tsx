import { useEffect, useState } from 'react';
import { getApi } from '../../api';

interface Check {
  valid: boolean;
  canonical: string | null;
  error: string | null;
  svg: string | null;
  inProject: { compoundId: string; name: string | null } | null;
}

/** A SMILES box that draws the structure as you type and says at once what is wrong with it. */
export function SmilesInput({ value, onChange, onValid }: { value: string; onChange(s: string): void; onValid(ok: boolean): void }) {
  const [check, setCheck] = useState<Check | null>(null);
  useEffect(() => {
    const s = value.trim();
    if (!s) {
      setCheck(null);
      onValid(false);
      return;
    }
    let live = true;
    // Wait for a pause in typing: a half-typed SMILES is invalid and not worth a round trip.
    const t = setTimeout(() => {
      getApi()
        .invoke('chem.check', { smiles: s })
        .then(
          (c) => {
            if (!live) return;
            setCheck(c);
            onValid(c.valid);
          },
          () => live && onValid(false),
        );
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [value]);

  return (
    <div className="smiles-input">
      <label className="field">
        SMILES
        <input type="text" value={value} onChange={(e) => onChange(e.target.value)} placeholder="e.g. COc1cc(cc(OC)c1OC)/C=C\c1ccc(OC)c(O)c1" spellCheck={false} data-testid="query-smiles" aria-invalid={check ? !check.valid : undefined} />
      </label>
      <div className="smiles-preview" data-testid="smiles-preview" data-valid={check ? String(check.valid) : undefined}>
        {check?.valid && check.svg ? <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(check.svg)}`} alt="structure" width={180} height={130} /> : <div className="smiles-empty">{check ? '' : 'structure preview'}</div>}
        <div className="smiles-status">
          {check && !check.valid && <span className="qc-text" data-testid="smiles-error">{check.error ?? 'not a valid SMILES'}</span>}
          {check?.valid && (
            <>
              <div className="small mono" title="canonical SMILES">
                {check.canonical}
              </div>
              {check.inProject ? (
                <div className="small">
                  In this screen as <b>{check.inProject.name ?? check.inProject.compoundId}</b>
                </div>
              ) : (
                <div className="small muted">Not in this screen: MICON predicts its profile from the structure.</div>
              )}
            </>
          )}
        </div>
      </div>
    </div>
  );
}
