import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { spreadsheetCsv } from '../../src/services/csv-writer.ts';

/** The one CSV writer: what a spreadsheet opens is the cells written, never a formula, never a row more. */
describe('spreadsheetCsv', () => {
  it('quotes any cell holding a line break, a ; a , or a ", and reads back to the same cells', () => {
    const cells = ['a\nb', 'a\rb', 'a\r\nb', 'a;b', 'a,b', 'dit "oui"', 'simple', 42];
    const csv = spreadsheetCsv([cells]);
    expect(csv).toBe('\ufeff"a\nb";"a\rb";"a\r\nb";"a;b";"a,b";"dit ""oui""";simple;42\r\n');
    expect(parse(csv.slice(1), { delimiter: ';' })).toEqual([cells.map(String)]);
  });

  it('puts a quote before every line that starts with = + - @ a tab or a carriage return', () => {
    const written = (cell: string) => (parse(spreadsheetCsv([[cell]]).slice(1), { delimiter: ';' }) as string[][])[0]![0];
    expect(written('=1+1')).toBe("'=1+1");
    expect(written('a\n=1+1')).toBe("a\n'=1+1");
    expect(written('+33 6\r\n-2\r@x')).toBe("'+33 6\r\n'-2\r'@x");
    expect(written('\tcmd')).toBe("'\tcmd");
    expect(written('\r=1')).toBe("'\r'=1");
    expect(written('a = b - c')).toBe('a = b - c');
    // Numbers are numbers, negative ones included.
    expect(spreadsheetCsv([[-3]])).toBe('\ufeff-3\r\n');
  });
});
