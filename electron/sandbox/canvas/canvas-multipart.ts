/**
 * multipart/form-data bodies (RFC 7578), as an SIS import's `attachment` arrives from curl -F or a client library:
 * the parts by name, each with its bytes and, for a file, its filename and media type.
 */
export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export class MultipartError extends Error {
  override name = 'MultipartError';
}

export function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : undefined;
}

export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new MultipartError('The multipart body has no part with its boundary.');
  for (;;) {
    at += delimiter.length;
    // "--" after a delimiter closes the body.
    if (body.subarray(at, at + 2).toString('latin1') === '--') break;
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) throw new MultipartError('A multipart part has no blank line after its headers.');
    const headers = body.subarray(at, headerEnd).toString('utf8').split('\r\n').filter(Boolean);
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new MultipartError('The multipart body ends before its closing boundary.');
    const part: FormPart = { name: '', data: body.subarray(headerEnd + 4, next) };
    for (const header of headers) {
      const [key = '', ...rest] = header.split(':');
      const value = rest.join(':').trim();
      if (key.trim().toLowerCase() === 'content-disposition') {
        part.name = /\bname="([^"]*)"/i.exec(value)?.[1] ?? '';
        const filename = /\bfilename="([^"]*)"/i.exec(value)?.[1];
        if (filename !== undefined) part.filename = filename;
      } else if (key.trim().toLowerCase() === 'content-type') {
        part.contentType = value;
      }
    }
    parts.push(part);
    at = next + 2;
  }
  return parts;
}
