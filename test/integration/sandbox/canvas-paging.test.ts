import { afterEach, describe, expect, it } from 'vitest';
import { startCanvasSandbox, type CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import { all, call, get, links, list } from './canvas-http';

let sandbox: CanvasSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: Parameters<typeof startCanvasSandbox>[0] = {}): Promise<CanvasSandbox> {
  sandbox = await startCanvasSandbox({ throttle: null, ...options });
  return sandbox;
}

const ids = (items: Array<Record<string, unknown>>) => items.map((e) => e.id);

describe('Link-header paging of enrollments', () => {
  it('sends 10 a page by default, with rel current, next and first but no last', async () => {
    const sb = await start();
    const reply = await get(sb, 'courses/101/enrollments');
    expect(list(reply)).toHaveLength(10);
    const rels = links(reply);
    expect(Object.keys(rels).sort()).toEqual(['current', 'first', 'next']);
    expect(rels.first).toBe(`${sb.url}/api/v1/courses/101/enrollments?page=first&per_page=10`);
  });

  it('pages with opaque bookmark tokens, not page numbers', async () => {
    const sb = await start();
    const next = links(await get(sb, 'courses/101/enrollments')).next as string;
    const page = new URL(next).searchParams.get('page') as string;
    expect(page).toMatch(/^bookmark:[A-Za-z0-9_-]+$/);
    expect(page).not.toMatch(/^\d+$/);
  });

  it('following rel="next" reaches every enrollment exactly once', async () => {
    const sb = await start();
    const whole = list(await get(sb, 'courses/101/enrollments?per_page=100'));
    const { items, pages } = await all(sb, 'courses/101/enrollments?per_page=7');
    expect(ids(items)).toEqual(ids(whole));
    expect(new Set(ids(items)).size).toBe(items.length);
    expect(pages).toBe(Math.ceil(whole.length / 7));
  });

  it('keeps the filters in every link and leaves access_token out of them', async () => {
    const sb = await start();
    const reply = await get(sb, `courses/101/enrollments?type[]=StudentEnrollment&state[]=active&per_page=3&access_token=${sb.token}`, { authorization: null });
    expect(reply.status).toBe(200);
    for (const href of Object.values(links(reply))) {
      expect(href).toContain('type[]=StudentEnrollment');
      expect(href).toContain('state[]=active');
      expect(href).not.toContain('access_token');
    }
  });

  it('gives a prev link from the second page on, leading back to the page before', async () => {
    const sb = await start();
    const first = await get(sb, 'courses/101/enrollments?per_page=4');
    const second = await get(sb, links(first).next as string);
    const third = await get(sb, links(second).next as string);
    expect(links(first).prev).toBeUndefined();
    expect(ids(list(await get(sb, links(third).prev as string)))).toEqual(ids(list(second)));
    expect(ids(list(await get(sb, links(second).prev as string)))).toEqual(ids(list(first)));
  });

  it('clamps per_page silently to the maximum (100 by default)', async () => {
    const sb = await start({ seed: 'district' });
    const reply = await get(sb, 'users/self/enrollments?per_page=500');
    expect(reply.status).toBe(200);
    expect(list(reply)).toHaveLength(100);
    expect(links(reply).next).toContain('per_page=100');
  });

  it('clamps to a configured maximum, as older Canvas did at 50', async () => {
    const sb = await start({ seed: 'district', perPageMax: 50 });
    const reply = await get(sb, 'courses/100000/enrollments?per_page=51');
    expect(list(reply)).toHaveLength(50);
    expect(links(reply).next).toContain('per_page=50');
  });

  it('answers a page number with the first page again (a client counting pages loops, as on Canvas)', async () => {
    const sb = await start();
    const first = list(await get(sb, 'courses/101/enrollments'));
    expect(ids(list(await get(sb, 'courses/101/enrollments?page=2')))).toEqual(ids(first));
  });

  it('stays right while the roster changes between pages: a bookmark is a position, not an offset', async () => {
    const sb = await start();
    const first = await get(sb, 'sections/201/enrollments?per_page=5');
    // Someone enrolls a person who sorts first (type "DesignerEnrollment" sorts before all the others).
    const enrolled = await call(sb, 'POST', 'sections/201/enrollments', {
      form: [['enrollment[user_id]', '3'], ['enrollment[type]', 'DesignerEnrollment'], ['enrollment[enrollment_state]', 'active']],
    });
    expect(enrolled.status).toBe(200);
    const rest = await all(sb, links(first).next as string);
    const seen = [...ids(list(first)), ...ids(rest.items)];
    const before = ids(list(first));
    expect(new Set(seen).size).toBe(seen.length);
    expect(rest.items.some((e) => before.includes(e.id))).toBe(false);
  });

  it('pages the courses and sections lists the same way', async () => {
    const sb = await start({ seed: 'district' });
    const { items, pages } = await all(sb, 'courses?per_page=100');
    expect(items).toHaveLength(1000);
    expect(pages).toBe(10);
    expect(list(await get(sb, 'courses/100000/sections'))).toHaveLength(2);
  });
});
