export type PertType = 'trt' | 'negcon' | 'poscon' | 'empty' | null;

/** What evaluation and normalisation need to know about one row (well) of a profile matrix. */
export interface WellMeta {
  wellId: number;
  plate: string;
  batch: string;
  source: string;
  compound: string | null;
  pertType: PertType;
  /** Mechanism/target annotation; several may be given separated by '|'. */
  moa: string | null;
  /** Dose (µM); only `--replicates compound-dose` reads it. */
  concentration?: number | null;
}
