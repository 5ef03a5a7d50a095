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
  SEED,
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

  /** Both accounts added and every realm of each pulled; the Canvas pull's stdout. */
  async function pullBoth(): Promise<{ canvasPull: RunResult; schoologyPull: RunResult }> {
    await addBoth();
    const canvasPull = await roster(dataDir, ['pull', '--account', canvasName()]);
    expect(canvasPull.code, outcome(canvasPull)).toBe(0);
    const schoologyPull = await roster(dataDir, ['pull', '--account', accountNameFor(schoology)]);
    expect(schoologyPull.code, outcome(schoologyPull)).toBe(0);
    return { canvasPull, schoologyPull };
  }

  it('pull and realms count each account\'s realms in its LMS\'s words: courses and sections, sections and groups', async () => {
    const { canvasPull, schoologyPull } = await pullBoth();
    const courses = canvas.store.listCourses();
    const canvasRealms = courses.length + courses.reduce((sum, c) => sum + canvas.store.sectionsOf(c.id).length, 0);
    expect(canvasPull.stdout).toMatch(new RegExp(`^Pulled ${canvasRealms} courses and sections: \\d+ enrollments\\.\\n$`));
    expect(schoologyPull.stdout).toMatch(/^Pulled \d+ sections and groups: \d+ enrollments\.\n$/);

    const canvasTable = await roster(dataDir, ['realms', '--account', canvasName()]);
    expect(canvasTable.stdout.trim().split('\n').at(-1)).toBe(`${canvasRealms} courses and sections; 0 unsynced edits.`);
    const schoologyTable = await roster(dataDir, ['realms', '--account', accountNameFor(schoology)]);
    expect(schoologyTable.stdout.trim().split('\n').at(-1)).toMatch(/^\d+ sections and groups; 0 unsynced edits\.$/);
    const keys = schoologyTable.stdout.split('\n').slice(1).map((line) => line.split(/ {2,}/)[0]);
    expect(keys).toContain(SEED.algebraP3);
  });

  it('list shows a Canvas roster in Canvas\'s words (Student, TA; Concluded) and a Schoology one as before', async () => {
    await pullBoth();
    const p5 = 'sections/202';
    const table = await roster(dataDir, ['list', p5, '--account', canvasName()]);
    expect(table.code, outcome(table)).toBe(0);
    // Rows by their ID cell; ROLE and STATUS are the two columns before PENDING (empty here, so last on the line).
    const rows = new Map(table.stdout.split('\n').map((line) => [line.split(' ')[0], line]));
    const shown = canvas.store.enrollmentsInSection(202).filter((x) => ROSTER_STATES.has(x.workflow_state));
    expect(shown.map((e) => e.type)).toContain('TaEnrollment');
    for (const e of shown) {
      const role = { StudentEnrollment: 'Student', TeacherEnrollment: 'Teacher', TaEnrollment: 'TA', DesignerEnrollment: 'Designer', ObserverEnrollment: 'Observer' }[e.type];
      const status = { active: '1 Active', completed: '2 Concluded', invited: '3 Invited', creation_pending: '3 Pending creation', inactive: '5 Inactive' }[e.workflow_state as 'active'];
      expect(rows.get(String(e.id)), `enrollment ${e.id}`).toMatch(new RegExp(` ${role} +${status}$`));
    }
    const listed = jsonOf<Array<{ id: string; role: string; admin: number }>>(await roster(dataDir, ['list', p5, '--account', canvasName(), '--json']));
    const ta = canvas.store.enrollmentsInSection(202).find((e) => e.type === 'TaEnrollment');
    expect(listed.find((r) => r.id === String(ta?.id))).toMatchObject({ role: 'ta', admin: 1 });
    const tas = jsonOf<Array<{ id: string }>>(await roster(dataDir, ['list', p5, '--role', 'ta', '--account', canvasName(), '--json']));
    expect(tas.map((r) => r.id)).toEqual([String(ta?.id)]);

    const schoologyTable = await roster(dataDir, ['list', SEED.algebraP3, '--account', accountNameFor(schoology)]);
    const howlett = schoologyTable.stdout.split('\n').find((line) => line.startsWith(`${SEED.howlettEnrollment} `));
    expect(howlett).toMatch(/ member +1 Active$/);
  });

  it('enroll and update take --role on Canvas; Schoology refuses a Canvas-only role, and --uid names the account\'s LMS', async () => {
    await pullBoth();
    const onSchoology = await roster(dataDir, ['enroll', SEED.algebraP3, '--uid', SEED.howlett, '--role', 'ta', '--account', accountNameFor(schoology)]);
    expect(onSchoology.code, outcome(onSchoology)).toBe(2);
    expect(onSchoology.stderr).toContain('role "ta" is for Canvas accounts; a Schoology account takes role teacher or student (or admin 1 or 0)');
    const badUid = await roster(dataDir, ['enroll', 'sections/201', '--uid', 'jhowlett', '--account', canvasName()]);
    expect(badUid.code, outcome(badUid)).toBe(2);
    expect(badUid.stderr).toContain('enroll: --uid must be a Canvas user id (digits), got "jhowlett"');
    const both = await roster(dataDir, ['update', 'sections/201', '1001', '--role', 'ta', '--admin', '1', '--account', canvasName()]);
    expect(both.code, outcome(both)).toBe(2);
    expect(both.stderr).toContain('update: give --role or --admin, not both');

    const student = canvas.store.enrollmentsInSection(201).find((e) => e.type === 'StudentEnrollment' && e.workflow_state === 'active');
    const update = await roster(dataDir, ['update', 'sections/201', String(student?.id), '--role', 'designer', '--account', canvasName()]);
    expect(update.code, outcome(update)).toBe(0);
    expect(update.stdout).toMatch(new RegExp(`^Queued \\S+: update enrollment ${student?.id} in sections/201 role=designer\\. `));
    const pending = jsonOf<Array<{ id: string; pending: { fields: Record<string, unknown> } | null }>>(
      await roster(dataDir, ['list', 'sections/201', '--account', canvasName(), '--json']),
    ).find((r) => r.id === String(student?.id));
    expect(pending?.pending?.fields).toEqual({ admin: 1, role: 'designer' });
  });

  it('one roster sync pushes the queued edits of both accounts, and each LMS holds its own', async () => {
    await pullBoth();
    const inP3 = new Set(canvas.store.enrollmentsInSection(201).map((e) => e.user_id));
    const newcomer = canvas.store.enrollmentsInSection(203).find((e) => e.type === 'StudentEnrollment' && !inP3.has(e.user_id));
    if (!newcomer) throw new Error('the seed has no Biology student outside Algebra I P3');
    const canvasEdit = await roster(dataDir, ['enroll', 'sections/201', '--uid', String(newcomer.user_id), '--role', 'ta', '--account', canvasName()]);
    expect(canvasEdit.code, outcome(canvasEdit)).toBe(0);
    const schoologyEdit = await roster(dataDir, ['update', SEED.algebraP3, SEED.howlettEnrollment, '--status', '2', '--account', accountNameFor(schoology)]);
    expect(schoologyEdit.code, outcome(schoologyEdit)).toBe(0);

    const sync = await roster(dataDir, ['sync']);
    expect(sync.code, outcome(sync)).toBe(0);
    const lines = sync.stdout.trim().split('\n');
    expect(lines, sync.stdout).toHaveLength(2);
    // Each account's line names it: the Canvas enroll is a look-up and an enroll (then Algebra's section, its course
    // and its other section are read again: they share enrollments), the Schoology update one upsert.
    expect(lines.find((line) => line.startsWith(`${canvasName()}: `))).toMatch(/: Pushed 1 edit in \d+ requests?\. Refreshed 3 realms\.$/);
    expect(lines.find((line) => line.startsWith(`${accountNameFor(schoology)}: `))).toMatch(/: Pushed 1 edit in 1 request\. Refreshed 1 realm\.$/);
    const made = canvas.store.enrollmentsInSection(201).filter((e) => e.user_id === newcomer.user_id);
    expect(made.map((e) => [e.type, e.workflow_state])).toEqual([['TaEnrollment', 'active']]);
    expect(schoology.store.enrollmentsIn(SEED.algebraP3).find((e) => e.id === SEED.howlettEnrollment)?.status).toBe(2);
    for (const name of [canvasName(), accountNameFor(schoology)]) {
      expect(jsonOf(await roster(dataDir, ['pending', '--account', name, '--json']))).toEqual({ queued: [], rejected: [], conflicts: [] });
    }
  });

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
