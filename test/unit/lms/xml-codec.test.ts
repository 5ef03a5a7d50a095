import { describe, expect, it } from 'vitest';
import { buildXml, parseXml, XmlFormatError } from '../../../electron/lms/schoology/xml-codec';
import { parseWire } from '../../../shared/domain/tolerant';
import { SchoologyBulkResultSchema, SchoologyEnrollmentListSchema, SchoologySectionSchema } from '../../../shared/domain/schoology-wire';

// The seed's XML list example, shortened to the fields that matter here.
const LIST = `<?xml version="1.0" encoding="utf-8" ?>
<result>
  <enrollment>
    <id>43807916</id>
    <uid>45552</uid>
    <school_uid />
    <name_display>Mr. Strickland</name_display>
    <admin>1</admin>
    <status>1</status>
    <links>
      <self>http://.../enrollments/43807916</self>
    </links>
  </enrollment>
  <enrollment>
    <id>44783136</id>
    <uid>48289</uid>
    <school_uid>s1</school_uid>
    <name_display>James Howlett</name_display>
    <admin>0</admin>
    <status>1</status>
  </enrollment>
  <total>2</total>
  <links>
    <self>http://...enrollment_status=1&amp;start=0&amp;limit=20</self>
  </links>
</result>`;

describe('parseXml', () => {
  it('gives the content of the root element, with repeated elements as an array', () => {
    const data = parseXml(LIST) as { enrollment: unknown[]; total: string };
    expect(data.enrollment).toHaveLength(2);
    expect(data.total).toBe('2');
  });

  it('reads an empty element as the empty string and decodes entities', () => {
    const data = parseXml(LIST) as { enrollment: Array<{ school_uid: string }>; links: { self: string } };
    expect(data.enrollment[0]?.school_uid).toBe('');
    expect(data.links.self).toBe('http://...enrollment_status=1&start=0&limit=20');
  });

  it('keeps every value as text, leading zeros included', () => {
    expect(parseXml('<result><id>007</id><admin>1</admin></result>')).toEqual({ id: '007', admin: '1' });
  });

  it('gives a single element as an object, which the tolerant list schema reads as a one-item list', () => {
    const data = parseXml('<result><enrollment><id>1</id><uid>2</uid><admin>0</admin><status>3</status></enrollment><total>1</total><links><self>x</self></links></result>');
    expect(Array.isArray((data as { enrollment: unknown }).enrollment)).toBe(false);
    const list = parseWire(SchoologyEnrollmentListSchema, data, 'Schoology enrollment list');
    expect(list.enrollment).toEqual([expect.objectContaining({ id: '1', uid: '2', admin: 0, status: 3 })]);
  });

  it('is read by the wire schemas into the same values as the JSON form', () => {
    const list = parseWire(SchoologyEnrollmentListSchema, parseXml(LIST), 'Schoology enrollment list');
    expect(list.enrollment.map((e) => [e.id, e.uid, e.admin, e.status, e.school_uid])).toEqual([
      ['43807916', '45552', 1, 1, ''],
      ['44783136', '48289', 0, 1, 's1'],
    ]);
    expect(list.total).toBe(2);
  });

  it('reads repeated grading_periods tags as a list and a single one as a one-item list', () => {
    const two = parseXml('<result><id>1</id><section_title>P3</section_title><grading_periods>435</grading_periods><grading_periods>13011</grading_periods></result>');
    const one = parseXml('<result><id>1</id><section_title>P3</section_title><grading_periods>435</grading_periods></result>');
    expect(parseWire(SchoologySectionSchema, two, 'Schoology section').grading_periods).toEqual(['435', '13011']);
    expect(parseWire(SchoologySectionSchema, one, 'Schoology section').grading_periods).toEqual(['435']);
  });

  it('gives the text of a root that holds only text', () => {
    expect(parseXml('<result>ok</result>')).toBe('ok');
  });

  it('refuses a truncated document with the line and column', () => {
    const truncated = LIST.slice(0, LIST.length / 2);
    expect(() => parseXml(truncated)).toThrow(XmlFormatError);
    expect(() => parseXml(truncated)).toThrow(/not well-formed XML \(line \d+, column \d+\)/);
  });

  it('refuses text that is not XML at all', () => {
    expect(() => parseXml('{"enrollment": []}')).toThrow(XmlFormatError);
  });

  it('refuses two root elements', () => {
    expect(() => parseXml('<a>1</a><b>2</b>')).toThrow(XmlFormatError);
  });
});

describe('buildXml', () => {
  it('writes a declaration and the root it is asked for', () => {
    const body = buildXml({ uid: '2461632', admin: 0, status: 1 }, 'body');
    expect(body.startsWith('<?xml version="1.0" encoding="utf-8" ?>\n<body>')).toBe(true);
    expect(body).toContain('<uid>2461632</uid>');
    expect(body).toContain('<admin>0</admin>');
    expect(buildXml({ id: '1' }, 'result')).toContain('<result>');
  });

  it('writes an array as repeated elements, the way Schoology wraps bulk items', () => {
    const body = buildXml({ enrollments: { enrollment: [{ uid: '1' }, { uid: '2' }] } }, 'body');
    expect(body.match(/<enrollment>/g)).toHaveLength(2);
    expect(body.match(/<enrollments>/g)).toHaveLength(1);
  });

  it('leaves out null and undefined members instead of writing them as text', () => {
    const body = buildXml({ uid: '1', admin: undefined, status: null }, 'body');
    expect(body).not.toMatch(/admin|status|undefined|null/);
  });

  it('writes booleans as 1 and 0', () => {
    expect(parseXml(buildXml({ delete: true, admin: false }, 'body'))).toEqual({ delete: '1', admin: '0' });
  });

  it('escapes markup characters so they survive a round trip', () => {
    const value = { name_display: 'Tom & Jerry <3 "quoted"' };
    expect(parseXml(buildXml(value, 'result'))).toEqual(value);
  });

  it('round-trips a one-row bulk result that the bulk schema reads as one row', () => {
    const xml = buildXml({ enrollments: { enrollment: [{ response_code: 200, id: '54302505', uid: '248101' }] } }, 'result');
    const result = parseWire(SchoologyBulkResultSchema, parseXml(xml), 'Schoology bulk result');
    expect(result.enrollments.enrollment).toEqual([expect.objectContaining({ response_code: 200, id: '54302505', uid: '248101' })]);
  });
});
