import { describe, expect, it } from 'vitest';
import { bulkItemResult, chunk, parseEnrollmentUrl } from '../../../electron/lms/schoology/bulk-results';
import { parseWire } from '../../../shared/domain/tolerant';
import { SchoologyBulkResultRowSchema } from '../../../shared/domain/schoology-wire';

const row = (data: Record<string, unknown>) => parseWire(SchoologyBulkResultRowSchema, data, 'Schoology bulk result row');

describe('bulkItemResult', () => {
  it('reads response_code 200, 201 and 204 as applied', () => {
    for (const code of [200, '201', 204]) expect(bulkItemResult(row({ response_code: code })).outcome).toBe('applied');
  });

  it('takes the realm of a multi-realm row from realm and realm_id', () => {
    expect(bulkItemResult(row({ response_code: 200, id: '54302505', realm: 'section', realm_id: '3719526' }), 'groups/1')).toEqual({
      outcome: 'applied',
      id: '54302505',
      realmKey: 'sections/3719526',
    });
  });

  it('falls back to the realm the item was sent to when the row does not say', () => {
    expect(bulkItemResult(row({ response_code: 200, id: '54302505', uid: 248101 }), 'groups/65371')).toEqual({
      outcome: 'applied',
      id: '54302505',
      realmKey: 'groups/65371',
    });
  });

  it('reads the enrollment id and realm from the location of an import row, which has no id', () => {
    const result = bulkItemResult(row({ response_code: 200, location: 'http://api.schoology.com/v1/sections/3719526/enrollments/54302505' }));
    expect(result).toEqual({ outcome: 'applied', id: '54302505', realmKey: 'sections/3719526' });
  });

  it('reads a 404 row as not-found with its error text', () => {
    expect(bulkItemResult(row({ response_code: 404, error: 'Enrollment 5 not found' }))).toEqual({
      outcome: 'not-found',
      reason: 'Enrollment 5 not found',
    });
  });

  it('reads any other code as rejected, with the error or message text as the reason', () => {
    expect(bulkItemResult(row({ response_code: 400, error: 'Invalid status' }))).toEqual({ outcome: 'rejected', code: 400, reason: 'Invalid status' });
    expect(bulkItemResult(row({ response_code: '403', message: 'No access' }))).toEqual({ outcome: 'rejected', code: 403, reason: 'No access' });
  });

  it('still gives a reason when the failed row has no text', () => {
    const result = bulkItemResult(row({ response_code: 409 }));
    expect(result).toEqual({ outcome: 'rejected', code: 409, reason: expect.stringContaining('409') });
  });
});

describe('parseEnrollmentUrl', () => {
  it('reads a group enrollment link with a query', () => {
    expect(parseEnrollmentUrl('http://x/v1/groups/65371/enrollments/77?a=1')).toEqual({ realmKey: 'groups/65371', id: '77' });
  });

  it('reads only the id from an undocumented path ending in a number', () => {
    expect(parseEnrollmentUrl('http://.../54302505')).toEqual({ id: '54302505' });
  });

  it('reads nothing from nothing', () => {
    expect(parseEnrollmentUrl(undefined)).toEqual({});
    expect(parseEnrollmentUrl('http://x/v1/users/me')).toEqual({});
  });
});

describe('chunk', () => {
  it('cuts 120 items into 50, 50 and 20, in order', () => {
    const items = Array.from({ length: 120 }, (_, i) => i);
    const chunks = chunk(items);
    expect(chunks.map((c) => c.length)).toEqual([50, 50, 20]);
    expect(chunks.flat()).toEqual(items);
  });

  it('makes no chunk of nothing', () => {
    expect(chunk([])).toEqual([]);
  });
});
