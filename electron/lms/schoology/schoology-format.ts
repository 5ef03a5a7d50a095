/**
 * The two wire formats Schoology speaks, behind one pair of functions: what to send (headers, body text) and how to
 * read a reply back into the plain objects the tolerant wire schemas check. JSON and XML differ only here, so every
 * endpoint of the client works in both without knowing which one is in use.
 *
 * A reply that cannot be read throws ReplyFormatError; the client throws it from the transport's `parse` callback,
 * which turns it into LmsError 'malformed' (and retries it when the request is idempotent).
 */
import { buildXml, parseXml, XmlFormatError } from './xml-codec';

export type SchoologyFormat = 'json' | 'xml';

export class ReplyFormatError extends Error {
  override name = 'ReplyFormatError';
}

const LABEL: Record<SchoologyFormat, string> = { json: 'JSON', xml: 'XML' };

/** Schoology picks the reply format from Accept and reads the body by Content-Type. */
export function formatHeaders(format: SchoologyFormat, hasBody: boolean): Record<string, string> {
  const type = format === 'json' ? 'application/json' : 'text/xml';
  return hasBody ? { Accept: type, 'Content-Type': `${type}; charset=utf-8` } : { Accept: type };
}

/** The request body; XML wraps it in `<body>`, whose name Schoology ignores. */
export function encodeBody(format: SchoologyFormat, value: unknown): string {
  return format === 'json' ? JSON.stringify(value) : buildXml(value, 'body');
}

/**
 * An error page served with status 200 (a proxy, a maintenance page, Schoology's own web-side throttle page) must
 * not be read as data. XML mode needs this check most: an XHTML page can be well-formed XML and would otherwise
 * fail later with a baffling "missing field" instead of saying what arrived.
 */
function htmlPageTitle(contentType: string, text: string): string | null {
  const looksHtml = /text\/html/i.test(contentType) || /^\s*(<!doctype\s+html|<html[\s>])/i.test(text);
  if (!looksHtml) return null;
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.replace(/\s+/g, ' ').trim() ?? '';
  return title.length > 80 ? `${title.slice(0, 80)}…` : title;
}

/** The reply body as plain objects and strings, or ReplyFormatError saying what arrived instead. */
export function decodeBody(format: SchoologyFormat, text: string, contentType: string): unknown {
  const label = LABEL[format];
  const title = htmlPageTitle(contentType, text);
  if (title !== null) {
    throw new ReplyFormatError(`the server sent an HTML page instead of ${label}${title ? ` ("${title}")` : ''}`);
  }
  if (text.trim() === '') throw new ReplyFormatError(`the server sent an empty reply instead of ${label}`);
  if (format === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new ReplyFormatError(`the reply is not valid JSON (${text.length} characters): ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  try {
    return parseXml(text);
  } catch (error) {
    if (error instanceof XmlFormatError) throw new ReplyFormatError(`the XML reply cannot be read: ${error.message}`, { cause: error });
    throw error;
  }
}
