/**
 * Schoology's XML dialect ⇄ the plain objects the JSON form gives. Used by the client (bodies out, replies in) and by
 * the sandbox LMS (bodies in, replies out), so a test in XML exercises both directions of the same rules:
 * - the outermost element's name carries nothing (`<body>` out, `<result>` back);
 * - a list repeats its element (`<enrollment>…</enrollment><enrollment>…`), so one item arrives unwrapped — the
 *   tolerant wire schemas' `oneOrMany` already copes, exactly as it does for JSON's unwrapped one-item lists;
 * - every value is text (`<school_uid />` is ""), ids keep their leading zeros; the wire schemas do the typing.
 * fast-xml-parser does the XML itself: a maintained, dependency-light parser and builder with a validator.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
});

const builder = new XMLBuilder({ format: true, suppressEmptyNode: true, processEntities: true });

export class XmlFormatError extends Error {
  override name = 'XmlFormatError';
}

/**
 * The content of the document's root element as plain objects and strings. A root with only text (`<result>ok</result>`)
 * gives that text. Throws XmlFormatError with the parser's line/column for a document that is not well-formed
 * (a truncated reply, an HTML error page).
 */
export function parseXml(text: string): unknown {
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    throw new XmlFormatError(`not well-formed XML (line ${line}, column ${col}): ${msg}`);
  }
  const document = parser.parse(text) as Record<string, unknown>;
  const roots = Object.keys(document);
  if (roots.length !== 1) throw new XmlFormatError(`expected one root element, found ${roots.length}`);
  return document[roots[0] as string];
}

/** Drops undefined/null members so they are absent, not `<x>undefined</x>`; numbers and booleans become text. */
function toXmlValue(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(toXmlValue).filter((item) => item !== undefined);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      const converted = toXmlValue(member);
      if (converted !== undefined) out[key] = converted;
    }
    return out;
  }
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

/** `value` as an XML document under `root` (`body` for requests, `result` for replies), with the declaration. */
export function buildXml(value: unknown, root: 'body' | 'result'): string {
  return `<?xml version="1.0" encoding="utf-8" ?>\n${builder.build({ [root]: toXmlValue(value) ?? '' }) as string}`;
}
