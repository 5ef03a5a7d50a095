import type { RealmSummary } from '../../../shared/api';

export interface RealmGroup {
  label: string;
  realms: RealmSummary[];
}

/** Sections under their course (alphabetical), then groups; the order staff scan a sidebar in. */
export function groupRealms(realms: RealmSummary[], filter: string): RealmGroup[] {
  const needle = filter.trim().toLowerCase();
  const matches = (realm: RealmSummary) =>
    !needle || [realm.title, realm.courseTitle, realm.courseCode, realm.sectionCode].some((text) => text.toLowerCase().includes(needle));

  const byCourse = new Map<string, RealmSummary[]>();
  const groups: RealmSummary[] = [];
  for (const realm of realms.filter(matches)) {
    if (realm.kind === 'group') groups.push(realm);
    else {
      const label = realm.courseTitle || realm.title;
      byCourse.set(label, [...(byCourse.get(label) ?? []), realm]);
    }
  }
  const byTitle = (a: RealmSummary, b: RealmSummary) => a.title.localeCompare(b.title);
  const result = [...byCourse.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, list]) => ({ label, realms: list.sort(byTitle) }));
  if (groups.length) result.push({ label: 'Groups', realms: groups.sort(byTitle) });
  return result;
}
