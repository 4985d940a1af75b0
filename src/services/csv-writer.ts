import { stringify } from 'csv-stringify/sync';

/**
 * The one writer of every CSV the platform hands out (an import's template
 * and result, the figures), as French spreadsheets open them: UTF-8 with a
 * BOM, ';' between cells, CRLF between records.
 *
 * Two defences, for every cell:
 * - quoted whenever it holds a line break (a bare \n or \r too: left
 *   unquoted, a spreadsheet starts a new row there), a ';', a ',' (the
 *   delimiter a spreadsheet set to English guesses) or a '"';
 * - each line of it that starts with = + - @ or a tab is prefixed with ', so
 *   no spreadsheet reads it as a formula (CSV injection): a cell "a\n=1+1"
 *   shows its second line as text, not as 2.
 */
export function spreadsheetCsv(records: readonly (readonly (string | number)[])[]): string {
  return stringify(
    records.map((record) => record.map(asText)),
    { bom: true, ...OPTIONS },
  );
}

const OPTIONS = { delimiter: ';', record_delimiter: '\r\n', quoted_match: /[\r\n;,"]/ } as const;

/**
 * The same file, written as its records come: the header (after the BOM),
 * then each batch as it is read, so a list of any length is sent in constant
 * memory. Each batch gives the same bytes `spreadsheetCsv` would.
 */
export async function* spreadsheetCsvStream(
  header: readonly (string | number)[],
  batches: AsyncIterable<readonly (readonly (string | number)[])[]>,
): AsyncGenerator<string> {
  yield stringify([header.map(asText)], { bom: true, ...OPTIONS });
  for await (const batch of batches) {
    if (batch.length)
      yield stringify(
        batch.map((record) => record.map(asText)),
        OPTIONS,
      );
  }
}

/** Line breaks kept; a line (the first, or one after a line break) that starts with = + - @ \t or \r gets a ' before it. */
export function asText(cell: string | number): string | number {
  if (typeof cell === 'number') return cell;
  let text = '';
  let lineStart = true;
  for (let i = 0; i < cell.length; i++) {
    const c = cell[i]!;
    if (lineStart && FORMULA_START.includes(c)) text += "'";
    text += c;
    lineStart = c === '\n' || (c === '\r' && cell[i + 1] !== '\n');
  }
  return text;
}

const FORMULA_START = '=+-@\t\r';
