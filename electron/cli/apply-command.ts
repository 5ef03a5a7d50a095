/**
 * `roster apply FILE|-`: JSON lines, one edit each (see edit-lines.ts). Every line is validated before any is queued,
 * and then all are queued in one transaction: a bad line anywhere means nothing is queued, and the error names it.
 */
import { readFileSync } from 'node:fs';
import type { AccountRecord } from '../db/accounts-repo';
import { parseCommand, withContext } from './cli-context';
import { checkForProvider, EditLineError, parseEditLine } from './edit-lines';
import { queueEdits, type NumberedEdit } from './edit-queue';
import { editResultJson } from './edit-commands';
import { plural, printJson, printLine } from './output';
import { parseRealmArg } from './realm-arg';
import { UsageError } from './usage-error';

export async function runApply(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand('apply', args, {}, { names: ['FILE|-'] });
  const source = positionals[0] as string;
  const text = source === '-' ? await readStdin() : readFile(source);
  const origin = source === '-' ? 'stdin' : source;
  const edits = parseLines(text, origin);

  return withContext(values, async (context) => {
    const account = context.account();
    const queued = edits.length === 0 ? [] : await queueEdits(context, account.id, ofAccount(edits, account, origin));
    if (context.json) {
      printJson(queued.map((q) => editResultJson(q, account.provider)));
      return 0;
    }
    const count = (outcome: string) => queued.filter((q) => q.result.outcome === outcome).length;
    const merged = count('merged');
    const cancelled = count('cancelled');
    const extra = [merged ? `${merged} merged into earlier unsynced edits` : '', cancelled ? `${cancelled} cancelled out` : '']
      .filter(Boolean)
      .join(', ');
    printLine(`Queued ${plural(queued.length, 'edit')}${extra ? ` (${extra})` : ''}. \`roster sync\` sends them.`);
    return 0;
  });
}

/**
 * The edits with each realm checked to be of the account's LMS (parseRealmArg) and each role and status one that LMS
 * can hold, or an error naming the line.
 */
function ofAccount(edits: NumberedEdit[], account: AccountRecord, source: string): NumberedEdit[] {
  return edits.map(({ line, edit }) => {
    try {
      checkForProvider(edit, account.provider);
      return { line, edit: { ...edit, realm: parseRealmArg(edit.realm, account) } };
    } catch (error) {
      if (!(error instanceof UsageError) && !(error instanceof EditLineError)) throw error;
      throw new Error(`${source} line ${line ?? '?'}: ${error.message}; nothing was queued`, { cause: error });
    }
  });
}

/** Every non-blank line as an edit, or an error naming the first bad line (and how many more there are). */
function parseLines(text: string, source: string): NumberedEdit[] {
  const edits: NumberedEdit[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push(`line ${line}: not JSON (${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw})`);
      return;
    }
    try {
      edits.push({ line, edit: parseEditLine(value) });
    } catch (error) {
      if (!(error instanceof EditLineError)) throw error;
      problems.push(`line ${line}: ${error.message}`);
    }
  });
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${plural(problems.length - 1, 'more bad line')})` : '';
    throw new Error(`${source} ${problems[0] as string}${more}; nothing was queued`);
  }
  return edits;
}

function readFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new Error(`cannot read ${path}: ${why}`, { cause: error });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
