/**
 * Building blocks for parsing LMS wire data the way the servers actually send it, not the way the docs promise.
 *
 * Schoology sends the same number as 1 in one field and "1" in the next (its own list example has `"admin": 1` next to
 * `"status": "1"`), unwraps one-item collections into a bare object, and its XML form turns `<school_uid />` into "".
 * Canvas sends ids as JSON numbers. The cache, the sync engine and the UI want one shape, so each block accepts every
 * spelling and outputs exactly one: ids as strings, flags and codes as numbers, collections as arrays.
 */
import { z } from 'zod';

/** Short, honest rendering of a received value for an error message ("9" vs 9 matters when debugging a server). */
export function describeInput(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

const mismatch = (expected: string, input: unknown): string => `expected ${expected}, got ${describeInput(input)}`;

/** Number-or-string input whose failure message speaks the caller's vocabulary instead of zod's union jargon. */
const numberOrString = (expected: string) =>
  z.union([z.number(), z.string()], { error: (issue) => mismatch(expected, issue.input) });

const DIGITS = /^\d+$/;
const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

const ID_EXPECTED = 'an id (number or numeric string)';

/**
 * An LMS id, output as text. Text because Canvas ids can exceed what a careless `parseInt` round-trips, and because
 * Schoology itself sends them as strings; the cache keys on the text form.
 */
export const wireId = numberOrString(ID_EXPECTED).transform((raw, ctx) => {
  const text = typeof raw === 'number' ? (Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : '') : raw.trim();
  if (!DIGITS.test(text)) {
    ctx.issues.push({ code: 'custom', message: mismatch(ID_EXPECTED, raw), input: raw });
    return z.NEVER;
  }
  return text;
});

/** A whole number sent as 2 or "2" (Schoology's `total`, bulk `response_code`). */
export const wireInt = numberOrString('a whole number').transform((raw, ctx) => {
  const value = typeof raw === 'number' ? raw : INTEGER.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    ctx.issues.push({ code: 'custom', message: mismatch('a whole number', raw), input: raw });
    return z.NEVER;
  }
  return value;
});

/**
 * A score or measure that may be absent. Canvas documents scores as numbers but its own example sends "" for
 * "no score" (`unposted_current_score: ""`), and real servers send null; both mean the same thing, so both become null.
 */
export const wireScore = z
  .union([z.number(), z.string(), z.null()], { error: (issue) => mismatch('a number, "" or null', issue.input) })
  .transform((raw, ctx): number | null => {
    if (raw === null) return null;
    if (typeof raw === 'number') return raw;
    const text = raw.trim();
    if (text === '') return null;
    if (!DECIMAL.test(text)) {
      ctx.issues.push({ code: 'custom', message: mismatch('a number, "" or null', raw), input: raw });
      return z.NEVER;
    }
    return Number(text);
  });

/**
 * One of a fixed set of small integer codes, sent as a number or a numeric string. The expectation is spelled out by
 * the caller ("1..5") so a bad server value reads as `status: expected 1..5, got "9"`.
 */
export function wireChoice<const T extends readonly number[]>(values: T, expected: string) {
  return numberOrString(expected).transform((raw, ctx): T[number] => {
    const text = typeof raw === 'number' ? String(raw) : raw.trim();
    const value = INTEGER.test(text) ? Number(text) : Number.NaN;
    if (!values.includes(value)) {
      ctx.issues.push({ code: 'custom', message: mismatch(expected, raw), input: raw });
      return z.NEVER;
    }
    return value as T[number];
  });
}

/** Schoology's 0/1 flags (`admin`, `name_title_show`, `active`), as 0 | 1 whichever spelling arrived. */
export const wireFlag = wireChoice([0, 1] as const, '0 or 1');

/**
 * Free text from Schoology. An XML parser may turn `<section_code>34</section_code>` into the number 34 and an empty
 * element into "" or null; all of them are text to us, and an empty element is the empty string.
 */
export const wireText = z
  .union([z.string(), z.number(), z.null()], { error: (issue) => mismatch('text', issue.input) })
  .transform((raw): string => (raw === null ? '' : String(raw)));

/**
 * A collection that may arrive as an array, as a single unwrapped object (Schoology does this for one-item results),
 * or not at all / as "" (an XML list with no elements). Always an array out, so callers never branch on shape.
 * A problem in a single unwrapped item is reported at index [0], matching the array the caller receives.
 */
export function oneOrMany<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (raw) => (raw === undefined || raw === null || raw === '' ? [] : Array.isArray(raw) ? raw : [raw]),
    z.array(item),
  );
}

/**
 * An optional nested object that an XML source may render as an empty element (`<links />` → ""): treat as absent,
 * rather than failing a whole roster page over an empty wrapper.
 */
export function optionalElement<T extends z.ZodType>(schema: T) {
  return z.preprocess((raw) => (raw === '' || raw === null ? undefined : raw), schema.optional());
}

export interface WireProblem {
  /** Field path in the input, e.g. `enrollment[1].status`; "" when the top-level value itself is wrong. */
  path: string;
  message: string;
}

/** Wire data that does not match what the LMS is supposed to send. The message names the offending field. */
export class WireFormatError extends Error {
  /** What was being parsed, e.g. "Schoology enrollment list". */
  readonly what: string;
  /** Path of the first problem, e.g. `enrollment[1].status` ("" for the top-level value). */
  readonly path: string;
  /** Every problem found, first one first; the message shows only the first to stay readable in logs and the UI. */
  readonly problems: WireProblem[];

  constructor(what: string, problems: WireProblem[]) {
    const first = problems[0] ?? { path: '', message: 'invalid input' };
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    super(`${what}: ${first.path ? `${first.path}: ` : ''}${first.message}${more}`);
    this.name = 'WireFormatError';
    this.what = what;
    this.path = first.path;
    this.problems = problems;
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `['enrollment', 1, 'status']` → `enrollment[1].status`: the way a developer would write it to look it up. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** Zod's defaults ("Invalid input: expected string, received number") rephrased to match the blocks above. */
const wireMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') return mismatch(issue.expected === 'object' ? 'an object' : issue.expected, issue.input);
  if (issue.code === 'invalid_value') return mismatch(`one of ${issue.values.map(String).join(', ')}`, issue.input);
  return undefined;
};

/** Parses `data` with `schema`, or throws a WireFormatError naming `what` and the failing field. */
export function parseWire<S extends z.ZodType>(schema: S, data: unknown, what: string): z.output<S> {
  const result = schema.safeParse(data, { error: wireMessages });
  if (result.success) return result.data;
  throw new WireFormatError(
    what,
    result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  );
}
