import { useMemo, useState } from 'react';
import { useRosterStore } from '../../store';
import { groupRealms } from './group-realms';

export function RealmSidebar() {
  const realms = useRosterStore((s) => s.realms);
  const realmsLoaded = useRosterStore((s) => s.realmsLoaded);
  const realmsError = useRosterStore((s) => s.realmsError);
  const selectedRealmId = useRosterStore((s) => s.selectedRealmId);
  const selectRealm = useRosterStore((s) => s.selectRealm);
  const [filter, setFilter] = useState('');
  const grouped = useMemo(() => groupRealms(realms, filter), [realms, filter]);

  return (
    <nav className="sidebar" aria-label="Courses and groups">
      <input
        type="search"
        className="sidebar__search"
        placeholder="Find a course or group"
        aria-label="Find a course or group"
        value={filter}
        onChange={(event) => setFilter(event.target.value)}
      />
      {realmsError && <p role="alert" className="sidebar__empty">{realmsError}</p>}
      {realmsLoaded && !realmsError && realms.length === 0 && (
        <p className="sidebar__empty">No rosters cached yet. Add an LMS account to pull your courses and groups.</p>
      )}
      {grouped.map((group) => (
        <section key={group.label} className="sidebar__group">
          <h2>{group.label}</h2>
          <ul>
            {group.realms.map((realm) => (
              <li key={realm.id}>
                <button
                  type="button"
                  className="realm-button"
                  aria-current={realm.id === selectedRealmId ? 'true' : undefined}
                  onClick={() => selectRealm(realm.id)}
                >
                  <span className="realm-button__title">{realm.title}</span>
                  <span className="realm-button__count" aria-label={`${realm.enrollmentCount} people`}>
                    {realm.enrollmentCount}
                  </span>
                  {realm.pendingCount > 0 && (
                    <span className="badge" aria-label={`${realm.pendingCount} pending edits`}>
                      {realm.pendingCount}
                    </span>
                  )}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}
