import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import {
  WireFormatError,
  formatPath,
  oneOrMany,
  optionalElement,
  parseWire,
  wireChoice,
  wireFlag,
  wireId,
  wireInt,
  wireScore,
  wireText,
} from '../../../shared/domain/tolerant';

/** The message a block produces for `input`, via parseWire so it reads as a caller would see it. */
function failure(schema: z.ZodType, input: unknown): WireFormatError {
  try {
    parseWire(schema, input, 'thing');
  } catch (error) {
    if (error instanceof WireFormatError) return error;
    throw error;
  }
  throw new Error('expected the parse to fail');
}

describe('wireId', () => {
  it('accepts a number and a numeric string and outputs the same text', () => {
    expect(wireId.parse(43807916)).toBe('43807916');
    expect(wireId.parse('43807916')).toBe('43807916');
  });

  it('ignores whitespace around a string id', () => {
    expect(wireId.parse(' 42 ')).toBe('42');
  });

  it('rejects non-numeric text, negatives, fractions and the empty string, quoting what arrived', () => {
    expect(failure(wireId, 'abc').message).toBe('thing: expected an id (number or numeric string), got "abc"');
    expect(failure(wireId, -1).message).toBe('thing: expected an id (number or numeric string), got -1');
    expect(failure(wireId, 1.5).message).toBe('thing: expected an id (number or numeric string), got 1.5');
    expect(failure(wireId, '').message).toBe('thing: expected an id (number or numeric string), got ""');
  });

  it('says "got nothing" when the id is missing and "got null" when it is null', () => {
    expect(failure(wireId, undefined).message).toBe('thing: expected an id (number or numeric string), got nothing');
    expect(failure(wireId, null).message).toBe('thing: expected an id (number or numeric string), got null');
  });
});

describe('wireInt', () => {
  it('accepts "2" and 2 as the number 2', () => {
    expect(wireInt.parse('2')).toBe(2);
    expect(wireInt.parse(2)).toBe(2);
  });

  it('rejects fractions and words', () => {
    expect(failure(wireInt, '2.5').message).toBe('thing: expected a whole number, got "2.5"');
    expect(failure(wireInt, 'two').message).toBe('thing: expected a whole number, got "two"');
  });
});

describe('wireFlag', () => {
  it('accepts 0, 1, "0" and "1" and outputs numbers', () => {
    expect([0, 1, '0', '1'].map((v) => wireFlag.parse(v))).toEqual([0, 1, 0, 1]);
  });

  it('rejects anything else, naming the allowed values', () => {
    expect(failure(wireFlag, 2).message).toBe('thing: expected 0 or 1, got 2');
    expect(failure(wireFlag, 'yes').message).toBe('thing: expected 0 or 1, got "yes"');
    expect(failure(wireFlag, true).message).toBe('thing: expected 0 or 1, got true');
  });
});

describe('wireChoice', () => {
  const status = wireChoice([1, 2, 3, 4, 5] as const, '1..5');

  it('accepts a code as a number or a string', () => {
    expect(status.parse('3')).toBe(3);
    expect(status.parse(5)).toBe(5);
  });

  it('uses the caller\'s wording for the expectation', () => {
    expect(failure(status, '9').message).toBe('thing: expected 1..5, got "9"');
  });
});

describe('wireScore', () => {
  it('reads numbers and numeric strings as numbers', () => {
    expect(wireScore.parse(95.8)).toBe(95.8);
    expect(wireScore.parse('85.25')).toBe(85.25);
  });

  it('reads "" and null as "no score"', () => {
    expect(wireScore.parse('')).toBeNull();
    expect(wireScore.parse(null)).toBeNull();
  });

  it('rejects a letter grade in a score field', () => {
    expect(failure(wireScore, 'A').message).toBe('thing: expected a number, "" or null, got "A"');
  });
});

describe('wireText', () => {
  it('keeps text as is, including the empty string an empty XML element becomes', () => {
    expect(wireText.parse('s1')).toBe('s1');
    expect(wireText.parse('')).toBe('');
  });

  it('reads a number (an XML parser\'s guess at "34") as text', () => {
    expect(wireText.parse(34)).toBe('34');
  });

  it('reads null as the empty string', () => {
    expect(wireText.parse(null)).toBe('');
  });

  it('rejects objects', () => {
    expect(failure(wireText, { a: 1 }).message).toBe('thing: expected text, got an object');
  });
});

describe('oneOrMany', () => {
  const items = oneOrMany(z.looseObject({ id: wireId }));

  it('keeps an array as an array', () => {
    expect(items.parse([{ id: 1 }, { id: '2' }])).toEqual([{ id: '1' }, { id: '2' }]);
  });

  it('wraps a single unwrapped object in an array', () => {
    expect(items.parse({ id: 7 })).toEqual([{ id: '7' }]);
  });

  it('reads missing, null and "" (an empty XML list) as an empty array', () => {
    expect(items.parse(undefined)).toEqual([]);
    expect(items.parse(null)).toEqual([]);
    expect(items.parse('')).toEqual([]);
  });

  it('reports a problem in an unwrapped item at index [0]', () => {
    expect(failure(z.object({ rows: items }), { rows: { id: 'x' } }).path).toBe('rows[0].id');
  });
});

describe('optionalElement', () => {
  const schema = z.object({ links: optionalElement(z.object({ self: z.string() })) });

  it('treats an empty XML element ("") as absent', () => {
    expect(schema.parse({ links: '' })).toEqual({ links: undefined });
  });

  it('still validates a present element', () => {
    expect(failure(schema, { links: { self: 3 } }).message).toBe('thing: links.self: expected string, got 3');
  });
});

describe('formatPath', () => {
  it('writes indexes in brackets and names with dots', () => {
    expect(formatPath(['enrollment', 1, 'status'])).toBe('enrollment[1].status');
  });

  it('starts with a bracket for a top-level array', () => {
    expect(formatPath([0, 'user', 'id'])).toBe('[0].user.id');
  });

  it('quotes keys that are not identifiers', () => {
    expect(formatPath(['links', 'rel-next'])).toBe('links["rel-next"]');
  });
});

describe('parseWire', () => {
  const schema = z.looseObject({ enrollment: oneOrMany(z.looseObject({ status: wireChoice([1, 2] as const, '1..2') })) });

  it('returns the parsed output when the input is well formed', () => {
    expect(parseWire(schema, { enrollment: { status: '2' } }, 'list')).toEqual({ enrollment: [{ status: 2 }] });
  });

  it('throws a WireFormatError carrying what was parsed and the failing field path', () => {
    const error = failure(schema, { enrollment: [{ status: 1 }, { status: '9' }] });
    expect(error).toBeInstanceOf(WireFormatError);
    expect(error.name).toBe('WireFormatError');
    expect(error.what).toBe('thing');
    expect(error.path).toBe('enrollment[1].status');
    expect(error.message).toBe('thing: enrollment[1].status: expected 1..2, got "9"');
  });

  it('omits the path when the top-level value is wrong', () => {
    const error = failure(schema, 'Forbidden');
    expect(error.path).toBe('');
    expect(error.message).toBe('thing: expected an object, got "Forbidden"');
  });

  it('reports the first problem and counts the rest', () => {
    const error = failure(schema, { enrollment: [{ status: 7 }, { status: 8 }, { status: 9 }] });
    expect(error.message).toBe('thing: enrollment[0].status: expected 1..2, got 7 (and 2 more problems)');
    expect(error.problems.map((p) => p.path)).toEqual(['enrollment[0].status', 'enrollment[1].status', 'enrollment[2].status']);
  });

  it('names the allowed values of an enum', () => {
    const error = failure(z.object({ kind: z.enum(['a', 'b']) }), { kind: 'c' });
    expect(error.message).toBe('thing: kind: expected one of a, b, got "c"');
  });
});
