import { useRosterStore } from '../../store';
import { RosterToolbar } from './RosterToolbar';
import { RosterTable } from './RosterTable';
import { RosterPager } from './RosterPager';

export function RosterView() {
  const realm = useRosterStore((s) => s.realms.find((r) => r.id === s.selectedRealmId) ?? null);
  const rosterError = useRosterStore((s) => s.rosterError);

  if (!realm) {
    return (
      <main className="roster roster--empty">
        <p>Choose a course section or group to see its roster.</p>
      </main>
    );
  }
  return (
    <main className="roster" aria-label={`Roster of ${realm.title}`}>
      <div className="roster__heading">
        <h2>{realm.title}</h2>
        <span className="roster__meta">
          {[realm.courseCode, realm.sectionCode].filter(Boolean).join(' · ')}
          {realm.pulledAt ? ` · updated ${new Date(realm.pulledAt).toLocaleString()}` : ' · never synced'}
        </span>
      </div>
      <RosterToolbar provider={realm.provider} />
      {rosterError && (
        <div role="alert" className="banner banner--error">
          {rosterError}
        </div>
      )}
      <RosterTable provider={realm.provider} />
      <RosterPager />
    </main>
  );
}
