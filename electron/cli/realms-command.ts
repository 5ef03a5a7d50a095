/** `roster realms`: the account's sections and groups as cached, with roster sizes and unsynced edits. */
import { parseCommand, withContext } from './cli-context';
import { plural, printJson, printLine, printTable } from './output';

export async function runRealms(args: string[]): Promise<number> {
  const { values } = parseCommand('realms', args, {}, { names: [] });
  return withContext(values, async ({ cache, json, account }) => {
    const { id } = account();
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
      printLine('No sections or groups cached yet; run `roster pull` to fetch them.');
      return 0;
    }
    printTable(
      ['REALM', 'TITLE', 'ENROLLED', 'PENDING', 'PULLED'],
      realms.map((r) => [r.key, r.title, String(r.enrollmentCount), String(r.pendingCount), r.pulledAt?.replace(/\.\d+Z$/, 'Z') ?? 'never']),
    );
    const pending = realms.reduce((sum, r) => sum + r.pendingCount, 0);
    printLine(`\n${plural(realms.length, 'section or group', 'sections and groups')}; ${plural(pending, 'unsynced edit')}.`);
    return 0;
  });
}
