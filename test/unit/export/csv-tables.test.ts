import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { RosterApiError } from '../../../shared/api';
import { CHUNK_RECORDS, csvText, runCsv, type CsvRunOptions } from '../../../electron/export/csv-tables';
import { RowRefusal, type ExportContext, type ExportFormat, type ExportTable } from '../../../electron/export/export-format';
import { exportFileName } from '../../../electron/export/file-name';

/**
 * The runner every export format shares, over tables whose rows are given in memory: how rows become CSV text, what
 * Excel mode alters, what the interchange formats refuse, and how a refusal names its row.
 */
const NO_CACHE = {} as ExportContext;

function tableOf(rows: ReadonlyArray<readonly string[]>, name = 'people.csv'): ExportTable {
  return {
    name,
    columns: ['id', 'first', 'note'],
    labels: { first: 'first name' },
    *rows() {
      for (const record of rows) yield { record: [...record], about: `person ${record[0]}` };
    },
  };
}

function formatOf(tables: ExportTable[], refusesFormulas: string | null = null): ExportFormat {
  return { name: 'plain', fileSuffix: 'test', refusesFormulas, oneRowPerRosterRow: false, tables: tables as [ExportTable, ...ExportTable[]] };
}

/** Every table's text, whole, by file name. */
function texts(format: ExportFormat, options: CsvRunOptions = { excel: false }): { files: Map<string, string>; rows: number; chunks: number } {
  const run = runCsv(format, NO_CACHE, options);
  const files = new Map<string, string>();
  let chunks = 0;
  for (const { table, batches } of run.tables) {
    const parts: string[] = [];
    for (const batch of batches) {
      parts.push(csvText(batch));
      chunks += 1;
    }
    files.set(table.name, parts.join(''));
  }
  return { files, rows: run.rows(), chunks };
}

function refusal(run: () => unknown): RosterApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof RosterApiError) return error;
    throw error;
  }
  throw new Error('expected the export to be refused');
}

describe('the CSV runner', () => {
  it('writes RFC 4180 text with CRLF line ends, quoting commas, quotes and line breaks, and keeps ids as text', () => {
    const rows = [
      ['007', 'Ana, María', 'said "hi"'],
      ['0042', 'Line', 'one\ntwo'],
    ];
    const { files, rows: count } = texts(formatOf([tableOf(rows)]));
    const text = files.get('people.csv')!;
    expect(text).toBe('id,first,note\r\n007,"Ana, María","said ""hi"""\r\n0042,Line,"one\ntwo"\r\n');
    expect(parse(text, { record_delimiter: '\r\n' })).toEqual([['id', 'first', 'note'], ...rows]);
    expect(count).toBe(2);
  });

  it('hands the text out about a thousand records at a time', () => {
    const rows = Array.from({ length: CHUNK_RECORDS * 2 + 1 }, (_, i) => [String(i), 'A', '']);
    const { chunks, rows: count } = texts(formatOf([tableOf(rows)]));
    // The header, two full chunks and the rest.
    expect(chunks).toBe(4);
    expect(count).toBe(rows.length);
  });

  it('in Excel mode starts with a BOM and prefixes every formula-like cell with a quote', () => {
    const rows = [
      ['1', '=HYPERLINK("http://x")', '+1'],
      ['2', '-2', '@SUM(A1)'],
      ['3', '\tTab', '\uFF1D1'],
      ['4', 'Plain', 'a=b'],
    ];
    const text = texts(formatOf([tableOf(rows)]), { excel: true }).files.get('people.csv')!;
    expect(text.startsWith('\uFEFFid,first,note\r\n')).toBe(true);
    expect(parse(text, { bom: true, record_delimiter: '\r\n' }).slice(1)).toEqual([
      ['1', `'=HYPERLINK("http://x")`, `'+1`],
      ['2', `'-2`, `'@SUM(A1)`],
      ['3', `'\tTab`, `'\uFF1D1`],
      ['4', 'Plain', 'a=b'],
    ]);
  });

  it('outside Excel mode writes values as they are, without a BOM', () => {
    const text = texts(formatOf([tableOf([['1', '=1+1', '']])])).files.get('people.csv')!;
    expect(text).toBe('id,first,note\r\n1,=1+1,\r\n');
  });

  it('in an interchange format refuses a formula-like value, naming the file, row, line, person and column', () => {
    const rows = [
      ['1', 'Ana', 'two\r\nlines'],
      ['2', 'Bo', ''],
      ['3', '=HYPERLINK("http://x")', ''],
    ];
    const error = refusal(() => texts(formatOf([tableOf(rows)], 'OneRoster files')));
    expect(error.code).toBe('unsafe_value');
    // Row 1 takes lines 2–3 (its note holds a line break), so row 3 starts on line 5.
    expect(error.message).toBe(
      'people.csv row 3, line 5 (person 3): first name "=HYPERLINK("http://x")" starts with "=", which spreadsheets run as a formula; OneRoster files cannot alter it — correct it in the LMS, or export as plain CSV for Excel',
    );
  });

  it('names a tab or carriage return at the start of a value in words, and shortens a long value', () => {
    const tab = refusal(() => texts(formatOf([tableOf([['1', 'Ok', '\tnote']])], 'Canvas SIS Import files')));
    expect(tab.message).toContain('note "\\tnote" starts with a tab');
    const long = refusal(() => texts(formatOf([tableOf([['1', `@${'x'.repeat(80)}`, '']])], 'Canvas SIS Import files')));
    expect(long.message).toContain(`first name "@${'x'.repeat(30)}…" starts with "@"`);
  });

  it('turns a row the format cannot carry into an error naming where it is', () => {
    const table: ExportTable = {
      ...tableOf([]),
      *rows() {
        yield { record: ['1', 'Ana', ''], about: 'Ana Ruiz, sections/1' };
        throw new RowRefusal('Bo Li, sections/1', 'Bo Li is an observer');
      },
    };
    const error = refusal(() => texts(formatOf([table], 'OneRoster files')));
    expect(error).toMatchObject({ code: 'cannot_export', message: 'people.csv row 2, line 3 (Bo Li, sections/1): Bo Li is an observer' });
  });

  it('previews the first rows of the main table while still counting and checking every row', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [String(i), 'A', '']);
    const preview = texts(formatOf([tableOf(rows), tableOf([['x', 'y', 'z']], 'other.csv')]), { excel: false, previewRows: 5 });
    expect(parse(preview.files.get('people.csv')!, { record_delimiter: '\r\n' })).toHaveLength(6);
    expect(preview.rows).toBe(30);

    const refused = [...rows, ['31', '=1', '']];
    expect(refusal(() => texts(formatOf([tableOf(refused)], 'OneRoster files'), { excel: false, previewRows: 5 })).code).toBe('unsafe_value');
  });

  it('takes a preview count from countMain when the format can tell it without reading the rows', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [String(i), 'A', '']);
    const preview = texts(formatOf([tableOf(rows)]), { excel: false, previewRows: 5, countMain: () => 1234 });
    expect(preview.rows).toBe(1234);
  });
});

describe('export file names', () => {
  const realm = (title: string) => ({ title }) as Parameters<typeof exportFileName>[0][number];

  it('names one realm by its title and several by their number, with the format after', () => {
    expect(exportFileName([realm('Algebra I · P3')], 'roster', 'csv')).toBe('algebra-i-p3-roster.csv');
    expect(exportFileName([realm('Algebra I · P3')], 'oneroster', 'zip')).toBe('algebra-i-p3-oneroster.zip');
    expect(exportFileName([realm('A'), realm('B'), realm('C')], 'roster', 'csv')).toBe('roster-export-3-realms.csv');
    expect(exportFileName([realm('A'), realm('B'), realm('C')], 'oneroster', 'zip')).toBe('roster-export-3-realms-oneroster.zip');
  });
});
