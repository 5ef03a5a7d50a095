/**
 * `roster import REALM --in FILE [--dry-run] [--full-sync] [--yes]`: a roster CSV (this app's plain export or
 * Schoology's course-enrollment layout) read against the realm's cached roster, what it changes and every row it
 * cannot use printed, then the changes queued as edits. Works offline: it reads and writes only the cache.
 *
 * Bad rows stop everything until confirmed: --dry-run only shows; without --yes a terminal is asked, and a script (no
 * terminal on stdin) is refused with exit 1 and nothing queued.
 */
import { readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { ImportInputSchema, type ImportChange, type ImportInputParsed, type ImportPreview, type ImportResult, type RealmSummary } from '../../shared/api';
import { roleLabel, statusLabel } from '../../shared/domain/roles';
import { realmIdOf } from '../db/realms-repo';
import { applyImport, previewImport } from '../import/roster-import';
import { Outbox } from '../sync/outbox';
import { parseCommand, withContext } from './cli-context';
import { CliExit, EXIT } from './exit-codes';
import { plural, printJson, printLine } from './output';
import { parseRealmArg } from './realm-arg';
import { UsageError } from './usage-error';

const MAX_BYTES = ImportInputSchema.shape.content.maxLength ?? 50_000_000;

export async function runImport(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'import',
    args,
    { in: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'full-sync': { type: 'boolean' }, yes: { type: 'boolean' } },
    { names: ['REALM'] },
  );
  const file = values.in;
  if (file === undefined || file.trim() === '') throw new UsageError('import: missing --in FILE (the roster CSV to read)');
  const content = readCsvFile(file);

  return withContext(values, async (context) => {
    const account = context.account();
    const accountId = account.id;
    const key = parseRealmArg(positionals[0] as string, account);
    const realm = context.cache.realms.get(realmIdOf(accountId, key));
    if (!realm || realm.pulledAt === null) throw new Error(`${key} is not in the offline cache; pull it first (\`roster pull ${key}\`)`);
    const input: ImportInputParsed = { realmId: realm.id, content, fileName: file, fullSync: values['full-sync'] ?? false };
    const preview = previewImport(context.cache, input);
    const changeCount = preview.toEnroll + preview.toChange + preview.toRemove;
    const report = (queued: ImportResult | null) => ({
      file,
      layout: preview.layout,
      realm: realm.key,
      rows: preview.rows,
      toEnroll: preview.toEnroll,
      toChange: preview.toChange,
      toRemove: preview.toRemove,
      unchanged: preview.unchanged,
      changes: preview.changes,
      problems: preview.problems,
      problemCount: preview.problemCount,
      queued,
    });
    if (!context.json) printPreview(file, realm, preview, input.fullSync);

    const bad = preview.problemCount;
    if (values['dry-run']) {
      if (context.json) printJson(report(null));
      else printLine('Dry run: nothing was queued.');
      return bad > 0 ? EXIT.error : EXIT.ok;
    }
    if (bad > 0 && !values.yes && !(changeCount > 0 && !context.json && (await confirmed(changeCount, bad)))) {
      if (context.json) printJson(report(null));
      throw new CliExit(
        EXIT.error,
        `${plural(bad, 'row')} cannot be imported; nothing was queued. Fix them, or run again with --yes to queue the other ${plural(changeCount, 'change')}`,
      );
    }
    if (changeCount === 0) {
      if (context.json) printJson(report({ queued: 0, merged: 0, cancelled: 0, skippedRows: bad }));
      else if (bad > 0) printLine(`Nothing to queue: the rows of ${file} that can be imported already match the roster.`);
      else printLine(`Nothing to change: the roster already matches ${file}.`);
      return EXIT.ok;
    }
    const result = applyImport(context.cache, new Outbox(context.cache), { ...input, skipProblems: bad > 0 });
    if (context.json) printJson(report(result));
    else printLine(`Queued ${plural(result.queued + result.merged + result.cancelled, 'edit')} for ${realm.key}; \`roster sync\` sends them.`);
    return EXIT.ok;
  });
}

/** The file's text: UTF-8 (a BOM is dropped by the reader), or UTF-16 as Excel's "Unicode text" saves it. */
function readCsvFile(path: string): string {
  let bytes: Buffer;
  try {
    if (statSync(path).size > MAX_BYTES) throw new Error(`${path} is larger than ${MAX_BYTES / 1_000_000} MB; split it into several files`);
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new Error(`cannot read ${path}: ${why}`, { cause: error });
  }
  return bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.toString('utf16le') : bytes.toString('utf8');
}

function printPreview(file: string, realm: RealmSummary, preview: ImportPreview, fullSync: boolean): void {
  printLine(`${file}: ${plural(preview.rows, 'row')}, ${preview.layout} layout, for ${realm.key} (${realm.title})`);
  printLine(`  to enroll: ${preview.toEnroll}`);
  printLine(`  to change: ${preview.toChange}`);
  printLine(fullSync ? `  to remove: ${preview.toRemove}` : '  to remove: 0 (people not in the file stay; --full-sync removes them)');
  printLine(`  unchanged: ${preview.unchanged}`);
  for (const change of preview.changes) printLine(`  ${describeChange(realm, change)}`);
  const total = preview.toEnroll + preview.toChange + preview.toRemove;
  if (total > preview.changes.length) printLine(`  … and ${plural(total - preview.changes.length, 'more change')}`);
  for (const problem of preview.problems) printLine(`line ${problem.line}: ${problem.message}`);
  if (preview.problemCount > preview.problems.length) printLine(`… and ${plural(preview.problemCount - preview.problems.length, 'more bad row')}`);
}

/** "enroll Ana Li (123) as Member, Active", "change Ana Li (123): role Member → Admin", "remove Ana Li (123)". */
function describeChange(realm: RealmSummary, change: ImportChange): string {
  const who = `${change.name} (${change.userId})`;
  const role = (value: ImportChange['role']) => roleLabel(realm.provider, value);
  const status = (value: ImportChange['status']) => statusLabel(realm.provider, value);
  switch (change.kind) {
    case 'enroll':
      return `enroll ${who} as ${role(change.role)}, ${status(change.status)}`;
    case 'remove':
      return `remove ${who}`;
    case 'change': {
      const before = change.before ?? { role: change.role, status: change.status };
      const parts: string[] = [];
      if (before.role !== change.role) parts.push(`role ${role(before.role)} → ${role(change.role)}`);
      if (before.status !== change.status) parts.push(`status ${status(before.status)} → ${status(change.status)}`);
      return `change ${who}: ${parts.join(', ')}`;
    }
  }
}

/** Asks on a terminal whether to queue the rest; a script's stdin (no terminal) is never asked. */
async function confirmed(changes: number, bad: number): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await prompt.question(`Queue the other ${plural(changes, 'change')} and skip the ${plural(bad, 'bad row')}? [y/N] `);
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    prompt.close();
  }
}
