import { describe, expect, it } from 'vitest';
import { decodeBody, encodeBody, formatHeaders, ReplyFormatError } from '../../../electron/lms/schoology/schoology-format';
import { messageOf } from '../../support/wire-assertions';

describe('formatHeaders', () => {
  it('asks for JSON and declares a JSON body', () => {
    expect(formatHeaders('json', true)).toEqual({ Accept: 'application/json', 'Content-Type': 'application/json; charset=utf-8' });
  });

  it('asks for XML and sends no Content-Type without a body', () => {
    expect(formatHeaders('xml', false)).toEqual({ Accept: 'text/xml' });
  });
});

describe('encodeBody', () => {
  it('writes JSON as JSON and XML under <body>', () => {
    expect(encodeBody('json', { access_code: 'VCVKF-4MJG9' })).toBe('{"access_code":"VCVKF-4MJG9"}');
    expect(encodeBody('xml', { access_code: 'VCVKF-4MJG9' })).toContain('<body>\n  <access_code>VCVKF-4MJG9</access_code>\n</body>');
  });
});

describe('decodeBody', () => {
  it('reads JSON and XML replies into the same plain object', () => {
    expect(decodeBody('json', '{"id":"1","admin":"0"}', 'application/json')).toEqual({ id: '1', admin: '0' });
    expect(decodeBody('xml', '<?xml version="1.0"?><result><id>1</id><admin>0</admin></result>', 'text/xml')).toEqual({ id: '1', admin: '0' });
  });

  it('names an HTML page for what it is, with its title, in either format', () => {
    const page = '<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body>down</body></html>';
    expect(messageOf(() => decodeBody('json', page, 'text/html'))).toBe('the server sent an HTML page instead of JSON ("503 Service Unavailable")');
    expect(messageOf(() => decodeBody('xml', page, ''))).toBe('the server sent an HTML page instead of XML ("503 Service Unavailable")');
  });

  it('recognises a well-formed XHTML page in XML mode, which would otherwise parse as data', () => {
    const xhtml = '<html><body><p>Maintenance</p></body></html>';
    expect(() => decodeBody('xml', xhtml, 'text/xml')).toThrow(/HTML page instead of XML/);
  });

  it('says a truncated JSON reply is not valid JSON', () => {
    expect(() => decodeBody('json', '{"enrollment":[{"id":"4', 'application/json')).toThrow(ReplyFormatError);
    expect(messageOf(() => decodeBody('json', '{"enrollment":[{"id":"4', 'application/json'))).toMatch(/^the reply is not valid JSON/);
  });

  it('says a truncated XML reply cannot be read, with where it broke', () => {
    expect(messageOf(() => decodeBody('xml', '<result><id>4</id><uid>', 'text/xml'))).toMatch(/^the XML reply cannot be read: not well-formed XML \(line/);
  });

  it('refuses an empty reply where content was expected', () => {
    expect(messageOf(() => decodeBody('json', '  ', 'application/json'))).toBe('the server sent an empty reply instead of JSON');
  });
});
