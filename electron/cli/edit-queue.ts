/**
 * Queues validated edit lines in the outbox: all of them or none. Works offline; the network is touched only when an
 * edit names a realm the cache does not know yet, to pull that realm first.
 */
import { writeTransaction } from '../db/write-transaction';
import { realmIdOf } from '../db/realms-repo';
import { EditError, Outbox, type EditResult } from '../sync/outbox';
import { pullAccount } from '../sync/pull';
import type { CliContext } from './cli-context';
import { toEdit, type EditLine } from './edit-lines';

export interface NumberedEdit {
  /** The line of the apply file, or null for an edit given as arguments. */
  line: number | null;
  edit: EditLine;
}

export interface QueuedEdit extends NumberedEdit {
  result: EditResult;
}

/**
 * Pulls the realms the edits name that the cache does not hold (so the outbox can check enrollment ids against a
 * roster); without a network that is an error asking for `roster pull`.
 */
async function ensureRealms(context: CliContext, accountId: string, edits: readonly NumberedEdit[]): Promise<void> {
  const keys = [...new Set(edits.map(({ edit }) => edit.realm))];
  const unknown = keys.filter((key) => !context.cache.realms.get(realmIdOf(accountId, key)));
  if (unknown.length === 0) return;
  const which = `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in the offline cache`;
  try {
    const provider = await context.accounts.providerFor(accountId);
    await pullAccount(context.cache, accountId, provider, { realmKeys: unknown });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${which} and could not be pulled (${reason}); run \`roster pull\` first`, { cause: error });
  }
}

/**
 * Queues every edit in ONE transaction. Each goes through Outbox.apply on its own (as a nested savepoint), so a
 * refused edit can be named by its line; the first refusal rolls back every edit before it too.
 */
export async function queueEdits(context: CliContext, accountId: string, edits: readonly NumberedEdit[]): Promise<QueuedEdit[]> {
  await ensureRealms(context, accountId, edits);
  const outbox = new Outbox(context.cache);
  return writeTransaction(context.cache.db, () =>
    edits.map((numbered) => {
      try {
        const [result] = outbox.apply([toEdit(accountId, numbered.edit)]);
        if (!result) throw new Error(`the outbox returned no result for ${numbered.edit.op} in ${numbered.edit.realm}`);
        return { ...numbered, result };
      } catch (error) {
        if (numbered.line !== null && error instanceof EditError) {
          throw new Error(`line ${numbered.line}: ${error.message}; nothing was queued`, { cause: error });
        }
        throw error;
      }
    }),
  );
}

