import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { rowOfMessage, sisEnrollmentsCsv } from '../../../electron/lms/canvas/canvas-sis-import';

describe('sisEnrollmentsCsv', () => {
  it('writes the Canvas SIS export columns, a header first, one row per edit', () => {
    const csv = sisEnrollmentsCsv([
      { opId: 'a', courseId: 'ALG1-2026', sectionId: 'ALG1-P3', userId: '00417', role: 'student', status: 'active' },
      { opId: 'b', courseId: 'BIO', sectionId: '', userId: 's, "quoted"', role: 'ta', status: 'deleted' },
    ]);
    expect(csv.startsWith('course_id,user_id,role,section_id,status\r\n')).toBe(true);
    expect(parse(csv, { columns: true })).toEqual([
      { course_id: 'ALG1-2026', user_id: '00417', role: 'student', section_id: 'ALG1-P3', status: 'active' },
      { course_id: 'BIO', user_id: 's, "quoted"', role: 'ta', section_id: '', status: 'deleted' },
    ]);
  });
});

describe('rowOfMessage', () => {
  it('reads the file line a message names as the data row below the header', () => {
    expect(rowOfMessage('User not found for enrollment (User ID: x), row 3')).toBe(2);
    expect(rowOfMessage('Improper role "bogus" on line 2')).toBe(1);
  });

  it('answers null when the message names no data row', () => {
    expect(rowOfMessage('Error while importing CSV. Please contact support.')).toBeNull();
    expect(rowOfMessage('bad header, row 1')).toBeNull();
  });
});
