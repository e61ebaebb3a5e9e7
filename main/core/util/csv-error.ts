// csv-parse's errors in words, for every CSV the core reads (platemaps, plate tables, LoadData CSVs,
// profile tables). In util/ so that plates/ and embeddings/ need not import platemap/ for it.
const CSV_ERRORS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field',
  CSV_INVALID_CLOSING_QUOTE: 'text right after a closing quote',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'rows of different lengths',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text right after a closing quote',
};

/**
 * A csv-parse error as "what, line N, field F". csv-parse quotes the offending field value in its
 * messages; that value can be anything from a file that was never meant to be a table, so it is left out.
 */
export function csvSyntaxError(e: unknown): string {
  const err = e as { code?: string; lines?: number; column?: number | string | null };
  if (!err?.code) return 'cannot be parsed as CSV';
  const what = CSV_ERRORS[err.code] ?? err.code.toLowerCase().replace(/^csv_/, '').replace(/_/g, ' ');
  const field = typeof err.column === 'number' ? `, field ${err.column + 1}` : '';
  return `${what}${err.lines ? `, line ${err.lines}` : ''}${field}`;
}
