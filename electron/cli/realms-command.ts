/**
 * `roster realms`: the account's realms as cached (Schoology's sections and groups, Canvas's courses and sections),
 * with roster sizes and unsynced edits.
 */
import { parseCommand, withContext } from './cli-context';
import { plural, printJson, printLine, printTable } from './output';
import { REALM_NOUNS } from './provider-words';

export async function runRealms(args: string[]): Promise<number> {
  const { values } = parseCommand('realms', args, {}, { names: [] });
  return withContext(values, async ({ cache, json, account }) => {
    const { id, provider } = account();
    const nouns = REALM_NOUNS[provider];
    const realms = cache.realms.list(id);
    if (json) {
      printJson(
        realms.map((r) => ({
          realm: r.key,
          kind: r.kind,
          title: r.title,
          course_code: r.courseCode,
          section_code: r.sectionCode,
          enrollments: r.enrollmentCount,
          pending: r.pendingCount,
          pulled_at: r.pulledAt,
        })),
      );
      return 0;
    }
    if (realms.length === 0) {
      printLine(`No ${nouns.many.replace(' and ', ' or ')} cached yet; run \`roster pull\` to fetch them.`);
      return 0;
    }
    printTable(
      ['REALM', 'TITLE', 'ENROLLED', 'PENDING', 'PULLED'],
      realms.map((r) => [r.key, r.title, String(r.enrollmentCount), String(r.pendingCount), r.pulledAt?.replace(/\.\d+Z$/, 'Z') ?? 'never']),
    );
    const pending = realms.reduce((sum, r) => sum + r.pendingCount, 0);
    printLine(`\n${plural(realms.length, nouns.one, nouns.many)}; ${plural(pending, 'unsynced edit')}.`);
    return 0;
  });
}
