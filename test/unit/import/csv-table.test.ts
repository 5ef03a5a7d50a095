import { describe, expect, it } from 'vitest';
import { RosterApiError } from '../../../shared/api';
import { readCsvTable } from '../../../electron/import/csv-table';

/** The RosterApiError a read throws, to check its code and message. */
function failureOf(content: string): RosterApiError {
  try {
    readCsvTable(content, 'roster.csv');
  } catch (error) {
    if (error instanceof RosterApiError) return error;
    throw error;
  }
  throw new Error('the file was read; expected a failure');
}

describe('reading a roster CSV into lines and cells', () => {
  it('strips a UTF-8 byte order mark from the first header name', () => {
    const table = readCsvTable('\ufeffUser ID,Role\r\n48289,Admin\r\n', 'roster.csv');
    expect(table.header.cells).toEqual(['User ID', 'Role']);
  });

  it('numbers records by the line they start on, a quoted cell spanning lines included (CRLF)', () => {
    const table = readCsvTable('User ID,Name\r\n1,"Ana\r\nLi"\r\n2,Bo\r\n3,"a ""quoted""\r\n\r\nname"\r\n4,Cy\r\n', 'roster.csv');
    expect(table.records.map((r) => [r.line, ...r.cells])).toEqual([
      [2, '1', 'Ana\r\nLi'],
      [4, '2', 'Bo'],
      [5, '3', 'a "quoted"\r\n\r\nname'],
      [8, '4', 'Cy'],
    ]);
  });

  it('numbers records the same with LF line ends and a last line without one', () => {
    const table = readCsvTable('User ID,Name\n1,"Ana\nLi"\n2,Bo', 'roster.csv');
    expect(table.records.map((r) => r.line)).toEqual([2, 4]);
  });

  it('keeps a line feed inside an unquoted cell of a CRLF file as part of the cell', () => {
    const table = readCsvTable('User ID,Name\r\n1,Ana\nLi\r\n2,Bo\r\n', 'roster.csv');
    expect(table.records.map((r) => [r.line, ...r.cells])).toEqual([
      [2, '1', 'Ana\nLi'],
      [4, '2', 'Bo'],
    ]);
  });

  it('refuses an unclosed quote in a CRLF file, naming the line', () => {
    expect(failureOf('\ufeffUser ID,Name\r\n1,"Ana\r\nLi"\r\n2,"Bo\r\n3,Cy\r\n').message).toContain('line 4: a quoted cell');
  });

  it('skips blank lines and rows of empty cells without shifting the line numbers after them', () => {
    const table = readCsvTable('User ID,Role\n\n1,Admin\n,\n  ,  \n2,Member\n\n', 'roster.csv');
    expect(table.records.map((r) => [r.line, ...r.cells])).toEqual([
      [3, '1', 'Admin'],
      [6, '2', 'Member'],
    ]);
  });

  it('takes the first non-blank line as the header', () => {
    const table = readCsvTable('\n\nUser ID,Role\n1,Admin\n', 'roster.csv');
    expect(table.header).toEqual({ line: 3, cells: ['User ID', 'Role'] });
  });

  it('keeps short and long rows as they are, for the layout to report', () => {
    const table = readCsvTable('User ID,Role,Status\n1,Admin\n2,Member,Active,extra\n', 'roster.csv');
    expect(table.records.map((r) => r.cells.length)).toEqual([2, 4]);
  });

  it('reads semicolon-separated files as spreadsheets in many locales save them', () => {
    const table = readCsvTable('User ID;Role\r\n48289;"Admin; really"\r\n', 'roster.csv');
    expect(table.records[0]?.cells).toEqual(['48289', 'Admin; really']);
  });

  it('refuses a file with an unclosed quote, naming the line of the row it starts in', () => {
    const error = failureOf('User ID,Name\n1,Ana\n\n2,"Bo\n3,Cy\n');
    expect(error.code).toBe('invalid_file');
    expect(error.message).toBe(
      'roster.csv cannot be read as CSV: line 4: a quoted cell that starts on this row is never closed; correct it there, or save the file again as CSV from the spreadsheet.',
    );
  });

  it('refuses a quote inside an unquoted cell, naming its line', () => {
    const error = failureOf('User ID,Name\n1,Ana\n2,Bo "B" Li\n');
    expect(error.message).toContain('line 3: a cell has a quote but does not start with one');
  });

  it('refuses an empty file', () => {
    expect(failureOf('\ufeff\r\n\r\n').message).toBe('roster.csv is empty: it has no header row and no rows to import.');
  });

  it('refuses an Excel workbook saved as .csv, saying how to save it instead', () => {
    expect(failureOf('PK\u0003\u0004\u0014\u0000binary').message).toContain('save it as "CSV UTF-8"');
  });
});
