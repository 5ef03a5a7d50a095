import { describe, expect, it } from 'vitest';
import { BodyError, bodyFormat, errorBody, negotiateFormat, parseBody, schoologyJson, unwrapSingletons } from '../../../electron/sandbox/sandbox-format';

describe('negotiateFormat', () => {
  it.each([
    [undefined, 'json'],
    ['', 'json'],
    ['*/*', 'json'],
    ['application/json', 'json'],
    ['text/xml', 'xml'],
    ['application/xml', 'xml'],
    ['text/xml;q=1.0,application/json;q=0.0', 'xml'],
    ['application/json;q=0.5, text/xml;q=0.9', 'xml'],
    ['text/xml, application/json', 'xml'],
    ['application/json, text/xml', 'json'],
    ['text/html', 'json'],
    ['text/html, text/*;q=0.5', 'xml'],
    ['text/xml;q=0', 'json'],
  ] as const)('Accept %j → %s', (accept, format) => {
    expect(negotiateFormat(accept)).toBe(format);
  });
});

describe('schoologyJson', () => {
  it('escapes slashes and non-ASCII the way PHP json_encode does', () => {
    expect(schoologyJson({ url: 'http://x/y', name: 'Lucía 🙂' })).toBe('{"url":"http:\\/\\/x\\/y","name":"Luc\\u00eda \\ud83d\\ude42"}');
  });

  it('still parses back to the same value', () => {
    const value = { a: ['http://x/y', 'Zoë'], b: 1 };
    expect(JSON.parse(schoologyJson(value))).toEqual(value);
  });
});

describe('errorBody', () => {
  it('is a bare JSON string or the whole XML <result>', () => {
    expect(errorBody('json', 'Invalid consumer key.')).toBe('"Invalid consumer key."');
    expect(errorBody('xml', 'Invalid consumer key.')).toBe('<?xml version="1.0" encoding="utf-8" ?>\n<result>Invalid consumer key.</result>\n');
  });
});

describe('request bodies', () => {
  it('are read by Content-Type, charset and case aside', () => {
    expect(bodyFormat('application/json; charset=utf-8')).toBe('json');
    expect(bodyFormat('Text/XML')).toBe('xml');
    expect(bodyFormat('application/xml')).toBe('xml');
  });

  it('in a format Schoology does not read are a 415', () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', undefined]) {
      expect(() => bodyFormat(type)).toThrow(expect.objectContaining({ status: 415 }));
    }
  });

  it('that do not parse are a 400 naming the format', () => {
    expect(() => parseBody('json', '{')).toThrow(BodyError);
    expect(() => parseBody('json', '{')).toThrow(/not valid JSON/);
    expect(() => parseBody('xml', '<body>')).toThrow(/not valid XML/);
  });

  it('in XML give the content of the outer element', () => {
    expect(parseBody('xml', '<body><uid>1</uid><admin>0</admin></body>')).toEqual({ uid: '1', admin: '0' });
  });
});

describe('unwrapSingletons', () => {
  it('turns every one-item list into its item and says so', () => {
    expect(unwrapSingletons({ enrollment: [{ id: '1', grading_periods: [435] }], total: '1' })).toEqual({
      value: { enrollment: { id: '1', grading_periods: 435 }, total: '1' },
      changed: true,
    });
  });

  it('leaves longer and empty lists alone and reports no change', () => {
    const value = { enrollment: [{ id: '1' }, { id: '2' }], empty: [] };
    expect(unwrapSingletons(value)).toEqual({ value, changed: false });
  });
});
