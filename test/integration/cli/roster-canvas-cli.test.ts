import { join } from 'node:path';
import keytar from 'keytar';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCanvasSandbox, type CanvasSandbox } from '../../../electron/sandbox/canvas/canvas-sandbox-server';
import type { Sandbox } from '../../../electron/sandbox/sandbox-server';
import { VAULT_SERVICE, vaultKeyOf } from '../../../electron/vault/credential-vault';
import {
  accountNameFor,
  addAccount,
  filesHolding,
  forgetKeychain,
  jsonOf,
  KEY_OWNER,
  outcome,
  removeDir,
  roster,
  sandboxOf,
  tempDataDir,
  type RunResult,
} from './cli-kit';

/**
 * Canvas accounts in the `roster` command line, as staff run it: the real bin in a child process, the Canvas sandbox
 * LMS on 127.0.0.1 (beside a Schoology one), the real keychain (scripts/with-keyring.sh, as `npm test` runs it).
 */
/** The Canvas sandbox's token user (electron/sandbox/canvas/canvas-seed.ts). */
const STRICKLAND = { id: '1', name: 'Mr. Strickland' } as const;
/** States a roster shows (the Canvas provider pulls them all). */
const ROSTER_STATES = new Set(['active', 'invited', 'inactive', 'completed', 'creation_pending']);

let canvas: CanvasSandbox;
let dataDir: string;

beforeAll(async () => {
  canvas = await startCanvasSandbox({ port: 0, throttle: null });
});

afterAll(async () => {
  await canvas.close();
});

beforeEach(() => {
  dataDir = tempDataDir();
});

afterEach(async () => {
  await keytar.deletePassword(VAULT_SERVICE, canvasVaultKey());
  removeDir(dataDir);
});

const canvasName = () => `127.0.0.1-${new URL(canvas.url).port}-${STRICKLAND.id}`;
const canvasVaultKey = () => vaultKeyOf('canvas', canvas.url, STRICKLAND.id);
const readCanvasKeychain = () => keytar.getPassword(VAULT_SERVICE, canvasVaultKey());
const addCanvasArgs = (baseUrl = canvas.url) => ['account', 'add', 'canvas', '--base-url', baseUrl, '--token-stdin'];
const selfRequests = () => canvas.requests.filter((r) => r.path.endsWith('users/self')).length;

async function addCanvas(extra: readonly string[] = []): Promise<RunResult> {
  const run = await roster(dataDir, [...addCanvasArgs(), ...extra], { stdin: `${canvas.token}\n` });
  if (run.code !== 0) throw new Error(`account add canvas failed: ${outcome(run)}`);
  return run;
}

describe('roster account add canvas', () => {
  it('checks the token (from stdin) with one users/self, keeps it in the keychain and names the account', async () => {
    const before = selfRequests();
    const run = await roster(dataDir, addCanvasArgs(), { stdin: `${canvas.token}\n` });
    expect(run.code, outcome(run)).toBe(0);
    expect(selfRequests() - before).toBe(1);
    expect(run.stdout).toBe(
      `Added account ${canvasName()}: ${STRICKLAND.name} (uid ${STRICKLAND.id}) at ${canvas.url}.\nThe access token is in the OS keychain. Next: roster pull\n`,
    );
    expect(JSON.parse((await readCanvasKeychain()) ?? 'null')).toEqual({ provider: 'canvas', token: canvas.token, owner: join(dataDir, 'cache.sqlite') });
  });

  it('writes the token nowhere but the keychain: not in any file of the data folder, not in any output', async () => {
    const add = await addCanvas();
    const list = await roster(dataDir, ['account', 'list', '--json']);
    expect(filesHolding(dataDir, canvas.token)).toEqual([]);
    for (const run of [add, list]) expect(run.stdout + run.stderr).not.toContain(canvas.token);
  });

  it('trims the token as pasted, and takes the API base (…/api/v1) as the instance', async () => {
    const run = await roster(dataDir, addCanvasArgs(`${canvas.url}/api/v1/`), { stdin: `  ${canvas.token} \r\n` });
    expect(run.code, outcome(run)).toBe(0);
    expect(jsonOf(await roster(dataDir, ['account', 'list', '--json']))).toEqual([
      { name: canvasName(), provider: 'canvas', baseUrl: canvas.url, user: STRICKLAND },
    ]);
    expect(JSON.parse((await readCanvasKeychain()) ?? 'null')).toMatchObject({ token: canvas.token });
  });

  it('exits 1 with one line naming the fix and saves nothing when Canvas refuses the token', async () => {
    const run = await roster(dataDir, addCanvasArgs(), { stdin: 'revoked-token\n' });
    expect(run.code, outcome(run)).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/refused this access token \(HTTP 401\); create a new access token under Account → Settings → Approved Integrations.*Nothing was saved/);
    expect(run.stderr).not.toContain('revoked-token');
    expect(await readCanvasKeychain()).toBeNull();
    expect(jsonOf(await roster(dataDir, ['account', 'list', '--json']))).toEqual([]);
  });

  it('exits 1 naming the missing Secret Service, before asking Canvas anything, when there is no keychain', async () => {
    const before = selfRequests();
    const run = await roster(dataDir, addCanvasArgs(), { stdin: `${canvas.token}\n`, env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' } });
    expect(run.code, outcome(run)).toBe(1);
    expect(run.stderr).toMatch(/^roster: no Secret Service: install and unlock gnome-keyring or KWallet/);
    expect(selfRequests()).toBe(before);
    expect(filesHolding(dataDir, canvas.token)).toEqual([]);
  });

  it.each([
    ['with an empty stdin', addCanvasArgs('http://127.0.0.1:9'), '', 'stdin held no access token'],
    ['with only whitespace on stdin', addCanvasArgs('http://127.0.0.1:9'), ' \n', 'stdin held no access token'],
    ['without --token-stdin', ['account', 'add', 'canvas', '--base-url', 'http://127.0.0.1:9'], 'token\n', 'read from stdin only; pass --token-stdin'],
    ['with a key and secret', ['account', 'add', 'canvas', '--base-url', 'http://127.0.0.1:9', '--key', 'k', '--secret-stdin'], 'token\n', 'canvas accounts take an access token'],
    ['without --base-url', ['account', 'add', 'canvas', '--token-stdin'], 'token\n', '--base-url is required, the Canvas address'],
    ['with a base URL that is not http(s)', ['account', 'add', 'canvas', '--base-url', 'ftp://x', '--token-stdin'], 'token\n', 'not an http(s) URL'],
    ['for a schoology account given --token-stdin', ['account', 'add', 'schoology', '--base-url', 'http://127.0.0.1:9/v1', '--token-stdin'], 'token\n', '--token-stdin is for canvas accounts'],
    ['for a provider there is none of', ['account', 'add', 'moodle', '--base-url', 'http://127.0.0.1:9', '--token-stdin'], 'token\n', 'the provider is schoology or canvas, got "moodle"'],
  ])('exits 2 with the usage %s', async (_, args, stdin, message) => {
    const run = await roster(dataDir, args, { stdin });
    expect(run.code, outcome(run)).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage: roster <command>');
  });

  it('remove deletes the Canvas keychain entry and the account', async () => {
    await addCanvas();
    const run = await roster(dataDir, ['account', 'remove', canvasName()]);
    expect(run.code, outcome(run)).toBe(0);
    expect(run.stdout).toBe(`Removed account ${canvasName()} (its keychain entry deleted).\n`);
    expect(await readCanvasKeychain()).toBeNull();
    expect(jsonOf(await roster(dataDir, ['account', 'list', '--json']))).toEqual([]);
  });
});

describe('a Canvas and a Schoology account side by side', () => {
  let schoology: Sandbox;

  beforeAll(async () => {
    schoology = await sandboxOf();
  });

  afterAll(async () => {
    await schoology.close();
  });

  afterEach(async () => {
    await forgetKeychain(schoology);
  });

  async function addBoth(): Promise<void> {
    await addAccount(dataDir, schoology);
    await addCanvas();
  }

  /** The course the tests pull: Algebra I of the Canvas small seed, and the states its roster shows. */
  const ALGEBRA = { key: 'courses/101', id: 101, title: 'Algebra I' } as const;
  const algebraRoster = () => canvas.store.enrollmentsInCourse(ALGEBRA.id).filter((e) => ROSTER_STATES.has(e.workflow_state));

  it('account list shows both, each with its provider', async () => {
    await addBoth();
    const table = await roster(dataDir, ['account', 'list']);
    expect(table.code, outcome(table)).toBe(0);
    const rows = table.stdout.trim().split('\n').slice(1).map((line) => line.split(/ {2,}/));
    expect(rows).toContainEqual([canvasName(), 'canvas', `${STRICKLAND.name} (${STRICKLAND.id})`, canvas.url]);
    expect(rows).toContainEqual([accountNameFor(schoology), 'schoology', `${KEY_OWNER.name} (${KEY_OWNER.uid})`, schoology.url]);
    const listed = jsonOf<Array<{ name: string; provider: string }>>(await roster(dataDir, ['account', 'list', '--json']));
    expect(listed.map((a) => [a.name, a.provider]).sort()).toEqual(
      [
        [canvasName(), 'canvas'],
        [accountNameFor(schoology), 'schoology'],
      ].sort(),
    );
  });

  it('pull of the Canvas account fills its realms: courses and their sections, and nothing from Schoology', async () => {
    await addBoth();
    const schoologyReads = schoology.requests.length;
    const pulled = await roster(dataDir, ['pull', '--account', canvasName(), '--json']);
    expect(pulled.code, outcome(pulled)).toBe(0);
    expect(schoology.requests.length).toBe(schoologyReads);

    const realms = jsonOf<Array<{ realm: string; kind: string; title: string }>>(await roster(dataDir, ['realms', '--account', canvasName(), '--json']));
    const courseKeys = canvas.store.listCourses().map((c) => `courses/${c.id}`);
    const sectionKeys = canvas.store.listCourses().flatMap((c) => canvas.store.sectionsOf(c.id).map((s) => `sections/${s.id}`));
    expect(realms.map((r) => r.realm).sort()).toEqual([...courseKeys, ...sectionKeys].sort());
    expect(realms.find((r) => r.realm === ALGEBRA.key)).toMatchObject({ kind: 'course', title: ALGEBRA.title });
    expect(jsonOf<unknown[]>(await roster(dataDir, ['realms', '--account', accountNameFor(schoology), '--json']))).toEqual([]);
  });

  it('list courses/ID shows the pulled Canvas course roster', async () => {
    await addBoth();
    const pulled = await roster(dataDir, ['pull', ALGEBRA.key, '--account', canvasName()]);
    expect(pulled.code, outcome(pulled)).toBe(0);
    const listed = await roster(dataDir, ['list', ALGEBRA.key, '--account', canvasName(), '--json']);
    expect(listed.code, outcome(listed)).toBe(0);
    const rows = jsonOf<Array<{ id: string; uid: string }>>(listed);
    const expected = algebraRoster();
    expect(rows.map((r) => r.id).sort()).toEqual(expected.map((e) => String(e.id)).sort());
    expect(new Set(rows.map((r) => r.uid))).toEqual(new Set(expected.map((e) => String(e.user_id))));

    const table = await roster(dataDir, ['list', ALGEBRA.key, '--account', canvasName()]);
    expect(table.stdout.split('\n')[0]).toBe(`${ALGEBRA.title} (${ALGEBRA.key})`);
  });

  it('refuses each LMS the other one\'s realm kinds (exit 2), naming the account\'s provider and its forms', async () => {
    await addBoth();
    const onCanvas = await roster(dataDir, ['list', 'groups/65371', '--account', canvasName()]);
    expect(onCanvas.code, outcome(onCanvas)).toBe(2);
    expect(onCanvas.stderr).toContain(`"groups/65371" is not a realm of ${canvasName()}, a Canvas account; write courses/ID or sections/ID`);
    const onSchoology = await roster(dataDir, ['pull', ALGEBRA.key, '--account', accountNameFor(schoology)]);
    expect(onSchoology.code, outcome(onSchoology)).toBe(2);
    expect(onSchoology.stderr).toContain(`"${ALGEBRA.key}" is not a realm of ${accountNameFor(schoology)}, a Schoology account; write sections/ID or groups/ID`);
  });

  it('queues an edit on a pulled Canvas course, and apply refuses a Schoology realm kind for it naming the line', async () => {
    await addBoth();
    await roster(dataDir, ['pull', ALGEBRA.key, '--account', canvasName()]);
    const target = algebraRoster().find((e) => e.type === 'StudentEnrollment' && e.workflow_state === 'active');
    if (!target) throw new Error('the seed has no active student in Algebra I');
    const update = await roster(dataDir, ['update', ALGEBRA.key, String(target.id), '--status', '2', '--account', canvasName()]);
    expect(update.code, outcome(update)).toBe(0);
    expect(update.stdout).toMatch(/^Queued /);
    const row = jsonOf<Array<{ id: string; pending: { kind: string } | null }>>(
      await roster(dataDir, ['list', ALGEBRA.key, '--account', canvasName(), '--json']),
    ).find((r) => r.id === String(target.id));
    expect(row?.pending).toMatchObject({ kind: 'update' });

    const apply = await roster(dataDir, ['apply', '-', '--account', canvasName()], { stdin: `{"op":"remove","realm":"groups/65371","id":"1"}\n` });
    expect(apply.code, outcome(apply)).toBe(1);
    expect(apply.stderr).toContain(`stdin line 1: "groups/65371" is not a realm of ${canvasName()}, a Canvas account`);
    expect(apply.stderr).toContain('nothing was queued');
  });
});
