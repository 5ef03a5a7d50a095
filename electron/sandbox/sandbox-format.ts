/**
 * Schoology's two wire formats as the sandbox speaks them: the reply format chosen from the weighted Accept list, the
 * request body read by its Content-Type, JSON written the way PHP's json_encode writes it (`\/` and `\uXXXX`), XML
 * wrapped in `<result>`, and error bodies as a bare string in either.
 */
import { buildXml, parseXml, XmlFormatError } from '../lms/schoology/xml-codec';

export type WireFormat = 'json' | 'xml';

export const CONTENT_TYPES: Record<WireFormat, string> = {
  json: 'application/json; charset=UTF-8',
  xml: 'text/xml; charset=UTF-8',
};

const MEDIA_FORMATS: Record<string, WireFormat | 'any'> = {
  'application/json': 'json',
  'text/xml': 'xml',
  'application/xml': 'xml',
  'application/*': 'json',
  'text/*': 'xml',
  '*/*': 'any',
};

/**
 * The reply format for an Accept header: the supported type with the highest q (q=0 means "not this"); on a tie the
 * one listed first. JSON when the header is absent, is only a wildcard, or names nothing we speak.
 */
export function negotiateFormat(accept: string | undefined): WireFormat {
  if (!accept || !accept.trim()) return 'json';
  let best: { format: WireFormat; q: number } | undefined;
  for (const entry of accept.split(',')) {
    const [type = '', ...params] = entry.split(';').map((part) => part.trim());
    const format = MEDIA_FORMATS[type.toLowerCase()];
    if (!format) continue;
    const qParam = params.find((param) => /^q\s*=/i.test(param));
    const q = qParam ? Number(qParam.slice(qParam.indexOf('=') + 1)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const resolved = format === 'any' ? 'json' : format;
    if (!best || q > best.q) best = { format: resolved, q };
  }
  return best?.format ?? 'json';
}

/** PHP's json_encode defaults, which Schoology's replies show: slashes and non-ASCII escaped. */
export function schoologyJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function serialize(format: WireFormat, value: unknown): string {
  return format === 'json' ? schoologyJson(value) : buildXml(value, 'result');
}

/** Schoology's error body: a bare JSON string, or the message as the whole `<result>`. */
export function errorBody(format: WireFormat, message: string): string {
  return serialize(format, message);
}

export class BodyError extends Error {
  override name = 'BodyError';
  constructor(
    readonly status: 400 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** The request body's format from its Content-Type, or a 415 for one Schoology does not read. */
export function bodyFormat(contentType: string | undefined): WireFormat {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') return 'json';
  if (type === 'text/xml' || type === 'application/xml') return 'xml';
  if (type === '') throw new BodyError(415, 'The request body has no Content-Type; send application/json or text/xml.');
  throw new BodyError(415, `Unsupported Content-Type ${type}; send application/json or text/xml.`);
}

/** The body as plain objects (XML: the content of its outermost element, all values text). */
export function parseBody(format: WireFormat, text: string): unknown {
  if (format === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new BodyError(400, `The request body is not valid JSON: ${(error as Error).message}`);
    }
  }
  try {
    return parseXml(text);
  } catch (error) {
    if (error instanceof XmlFormatError) throw new BodyError(400, `The request body is not valid XML: ${error.message}`);
    throw error;
  }
}

/**
 * The `unwrap` fault: every one-item list in a reply becomes its bare item, as Schoology's JSON does now and then
 * (and its XML always does). Returns whether anything changed, so the request log only names faults that happened.
 */
export function unwrapSingletons(value: unknown): { value: unknown; changed: boolean } {
  if (Array.isArray(value)) {
    if (value.length === 1) return { value: unwrapSingletons(value[0]).value, changed: true };
    let changed = false;
    const items = value.map((item) => {
      const inner = unwrapSingletons(item);
      changed ||= inner.changed;
      return inner.value;
    });
    return { value: items, changed };
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      const inner = unwrapSingletons(member);
      changed ||= inner.changed;
      out[key] = inner.value;
    }
    return { value: out, changed };
  }
  return { value, changed: false };
}
