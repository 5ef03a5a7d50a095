/**
 * People of the sandbox's seeded rosters that tests act on, found in the sandbox's own store so a test names whoever
 * the seed put there instead of hard-coding generated names.
 */
import type { SandboxStore } from '../../electron/sandbox/sandbox-server';

export interface SeededPerson {
  uid: string;
  enrollmentId: string;
  name: string;
}

/**
 * The first member (not admin) of the realm other than James Howlett whose display name no one else in the realm's
 * roster contains, so a search for the name finds exactly one row.
 */
export function seededMember(store: SandboxStore, realmKey: string, skip: readonly string[] = ['48289']): SeededPerson {
  const people = store.enrollmentsIn(realmKey).map((enrollment) => ({ enrollment, name: store.getUser(enrollment.uid)?.name_display ?? '' }));
  const found = people.find(
    ({ enrollment, name }) =>
      enrollment.admin === 0 &&
      !skip.includes(enrollment.uid) &&
      name !== '' &&
      people.filter((other) => other.name.toLowerCase().includes(name.toLowerCase())).length === 1,
  );
  if (!found) throw new Error(`the sandbox seed has no member with a unique name in ${realmKey}`);
  return { uid: found.enrollment.uid, enrollmentId: found.enrollment.id, name: found.name };
}
