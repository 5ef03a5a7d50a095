import type { RealmSummary } from '../../../shared/api';
import type { Provider } from '../../../shared/domain/provider';

export interface RealmGroup {
  /** Unique among the groups (two accounts may both have an "Algebra I"); `label` is what staff read. */
  key: string;
  label: string;
  realms: RealmSummary[];
}

const PROVIDER_NAMES: Record<Provider, string> = { schoology: 'Schoology', canvas: 'Canvas' };

/** A Canvas course realm holds every section's people: it leads its sections, which follow alphabetically. */
const kindOrder = (realm: RealmSummary) => (realm.kind === 'course' ? 0 : 1);

/**
 * Sections under their course (a Canvas course first, then its sections, alphabetical), then groups; the order staff
 * scan a sidebar in. Courses are told apart per account, so a Schoology and a Canvas course of the same name sit in
 * two groups rather than one mixed list, each heading naming its LMS.
 */
export function groupRealms(realms: RealmSummary[], filter: string): RealmGroup[] {
  const needle = filter.trim().toLowerCase();
  const matches = (realm: RealmSummary) =>
    !needle || [realm.title, realm.courseTitle, realm.courseCode, realm.sectionCode].some((text) => text.toLowerCase().includes(needle));

  const byCourse = new Map<string, RealmGroup>();
  const groups: RealmSummary[] = [];
  for (const realm of realms.filter(matches)) {
    if (realm.kind === 'group') groups.push(realm);
    else {
      const label = realm.courseTitle || realm.title;
      const key = `${realm.accountId}\u0000${label}`;
      const group = byCourse.get(key) ?? { key, label, realms: [] };
      group.realms.push(realm);
      byCourse.set(key, group);
    }
  }
  // With both LMSs listed, two "Algebra I" headings would read as one course twice: the heading names its LMS.
  const providers = new Set(realms.map((realm) => realm.provider));
  if (providers.size > 1) for (const group of byCourse.values()) group.label = `${group.label} · ${PROVIDER_NAMES[group.realms[0]!.provider]}`;
  const byTitle = (a: RealmSummary, b: RealmSummary) => a.title.localeCompare(b.title);
  const result = [...byCourse.values()]
    .sort((a, b) => a.label.localeCompare(b.label) || a.key.localeCompare(b.key))
    .map((group) => ({ ...group, realms: group.realms.sort((a, b) => kindOrder(a) - kindOrder(b) || byTitle(a, b)) }));
  if (groups.length) result.push({ key: 'groups', label: 'Groups', realms: groups.sort(byTitle) });
  return result;
}
