/**
 * Request parameters as Rails gives them to Canvas's controllers: the query string and the body (form-encoded or
 * JSON) merged into one nested value, with `enrollment[user_id]=1` read as {enrollment: {user_id: "1"}} and
 * `type[]=A&type[]=B` as {type: ["A", "B"]}. The body wins over the query for the same name.
 */
export type ParamValue = string | ParamValue[] | { [name: string]: ParamValue };

export class ParamsError extends Error {
  override name = 'ParamsError';
}

/** "enrollment[user_id]" → ["enrollment", "user_id"]; "type[]" → ["type", ""]. */
function pathOf(name: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
  if (!match) return [name];
  const rest = [...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? '');
  return [match[1] ?? name, ...rest];
}

function setPath(target: Record<string, ParamValue>, path: string[], value: string): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  if (rest[0] === '' && rest.length === 1) {
    const existing = target[head];
    target[head] = Array.isArray(existing) ? [...existing, value] : [value];
    return;
  }
  const existing = target[head];
  const child = existing !== undefined && typeof existing === 'object' && !Array.isArray(existing) ? existing : {};
  target[head] = child;
  setPath(child, rest, value);
}

/** JSON numbers and booleans become text, as Rails hands JSON params to a controller that reads them as text. */
function fromJson(value: unknown): ParamValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(fromJson).filter((item): item is ParamValue => item !== undefined);
  if (typeof value === 'object') {
    const out: Record<string, ParamValue> = {};
    for (const [name, item] of Object.entries(value)) {
      const converted = fromJson(item);
      if (converted !== undefined) out[name] = converted;
    }
    return out;
  }
  return undefined;
}

export class CanvasParams {
  private constructor(private readonly values: Record<string, ParamValue>) {}

  /** Query parameters, then the body's: form-encoded or JSON by Content-Type; other bodies add nothing. */
  static from(query: URLSearchParams, body: Buffer, contentType: string): CanvasParams {
    const values: Record<string, ParamValue> = {};
    for (const [name, value] of query) setPath(values, pathOf(name), value);
    const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    const text = body.length > 0 ? body.toString('utf8') : '';
    if (text.trim() && type === 'application/x-www-form-urlencoded') {
      for (const [name, value] of new URLSearchParams(text)) setPath(values, pathOf(name), value);
    } else if (text.trim() && type === 'application/json') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new ParamsError('The request body is not valid JSON.');
      }
      const converted = fromJson(parsed);
      if (converted === undefined || typeof converted !== 'object' || Array.isArray(converted)) throw new ParamsError('A JSON body must be an object.');
      Object.assign(values, converted);
    }
    return new CanvasParams(values);
  }

  static of(values: Record<string, ParamValue>): CanvasParams {
    return new CanvasParams(values);
  }

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  /** A scalar parameter; a nested one (a[b]) by naming each level. Lists and hashes read as absent. */
  text(...path: string[]): string | undefined {
    const value = this.at(path);
    return typeof value === 'string' ? value : undefined;
  }

  /** A list parameter (`name[]`), also accepted as one value or a comma-free single `name`. */
  list(name: string): string[] {
    const value = this.values[name];
    if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
    return typeof value === 'string' ? [value] : [];
  }

  /** A nested hash (`enrollment[...]`), or undefined. */
  hash(name: string): CanvasParams | undefined {
    const value = this.values[name];
    return value !== undefined && typeof value === 'object' && !Array.isArray(value) ? new CanvasParams(value) : undefined;
  }

  private at(path: string[]): ParamValue | undefined {
    let value: ParamValue | undefined = this.values;
    for (const name of path) {
      if (value === undefined || typeof value !== 'object' || Array.isArray(value)) return undefined;
      value = value[name];
    }
    return value;
  }
}

/** Rails' boolean reading (value_to_boolean): "1", "true", "on", "yes" are true. */
export function truthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'on', 'yes', 't'].includes(value.trim().toLowerCase());
}
