/** `roster pull [REALM…]`: the LMS's realms and rosters into the offline cache (all realms when none are named). */
import { pullAccount } from '../sync/pull';
import { parseCommand, withContext } from './cli-context';
import { plural, printJson, printLine } from './output';
import { REALM_NOUNS } from './provider-words';
import { parseRealmArg } from './realm-arg';

export async function runPull(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand('pull', args, {}, { names: ['REALM…'], min: 0, variadic: true });
  return withContext(values, async ({ cache, accounts, json, account }) => {
    const chosen = account();
    const { id } = chosen;
    const keys = positionals.map((text) => parseRealmArg(text, chosen));
    const provider = await accounts.providerFor(id);
    const progress = process.stderr.isTTY && !json;
    const summary = await pullAccount(cache, id, provider, {
      ...(keys.length > 0 ? { realmKeys: keys } : {}),
      onRealm: ({ realmKey, done, total }) => {
        if (progress) process.stderr.write(`\rroster: pulled ${done}/${total} (${realmKey})\u001b[K`);
      },
    });
    if (progress) process.stderr.write('\n');
    if (json) printJson(summary);
    else {
      const nouns = REALM_NOUNS[chosen.provider];
      printLine(`Pulled ${plural(summary.realms, nouns.one, nouns.many)}: ${plural(summary.enrollments, 'enrollment')}.`);
    }
    return 0;
  });
}
