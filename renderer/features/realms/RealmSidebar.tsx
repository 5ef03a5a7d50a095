import { useMemo, useState } from 'react';
import type { RealmSummary } from '../../../shared/api';
import { useRosterStore } from '../../store';
import { groupRealms } from './group-realms';
import { RealmItem } from './RealmItem';
import './realms.css';

export function RealmSidebar() {
  const realms = useRosterStore((s) => s.realms);
  const realmsLoaded = useRosterStore((s) => s.realmsLoaded);
  const realmsError = useRosterStore((s) => s.realmsError);
  const selectedRealmId = useRosterStore((s) => s.selectedRealmId);
  const selectRealm = useRosterStore((s) => s.selectRealm);
  const openExport = useRosterStore((s) => s.openExport);
  const [filter, setFilter] = useState('');
  const [checked, setChecked] = useState<ReadonlySet<string>>(() => new Set());
  const grouped = useMemo(() => groupRealms(realms, filter), [realms, filter]);
  // A realm that went away (signed out, no longer the account's) is no longer exported, checked or not.
  const toExport = useMemo(() => realms.filter((realm) => checked.has(realm.id)).map((realm) => realm.id), [realms, checked]);
  const exportLabel = `Export ${toExport.length} ${toExport.length === 1 ? 'roster' : 'rosters'}`;
  const exportTitle = toExport.length === 1 ? (realms.find((realm) => realm.id === toExport[0])?.title ?? '1 roster') : `${toExport.length} rosters`;

  const toggleChecked = (realmId: string, on: boolean) => {
    setChecked((previous) => {
      const next = new Set(previous);
      if (on) next.add(realmId);
      else next.delete(realmId);
      return next;
    });
  };

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
      {toExport.length > 0 && (
        <div className="sidebar__export">
          <button type="button" className="sidebar__export-button" onClick={() => openExport(toExport, exportTitle)}>
            {exportLabel}
          </button>
          <button type="button" className="link-button" aria-label="Clear export choice" onClick={() => setChecked(new Set())}>
            Clear
          </button>
        </div>
      )}
      {realmsError && <p role="alert" className="sidebar__empty">{realmsError}</p>}
      {realmsLoaded && !realmsError && realms.length === 0 && (
        <p className="sidebar__empty">No rosters cached yet. Add an LMS account to pull your courses and groups.</p>
      )}
      {grouped.map((group) => {
        const [lead, ...rest] = group.realms;
        // A Canvas course leads its group (groupRealms puts it first): its sections are listed inside its item.
        const course = lead?.kind === 'course' ? lead : null;
        const sections = course ? rest : group.realms;
        const item = (realm: RealmSummary) => (
          <RealmItem
            realm={realm}
            selected={realm.id === selectedRealmId}
            checked={checked.has(realm.id)}
            onSelect={selectRealm}
            onCheck={toggleChecked}
          />
        );
        const list = (realms: RealmSummary[], label?: string) => (
          <ul className={label ? 'realm-sections' : undefined} aria-label={label}>
            {realms.map((realm) => (
              <li key={realm.id}>{item(realm)}</li>
            ))}
          </ul>
        );
        return (
          <section key={group.key} className="sidebar__group">
            <h2>{group.label}</h2>
            {course ? (
              <ul>
                <li>
                  {item(course)}
                  {sections.length > 0 && list(sections, `Sections of ${course.title}`)}
                </li>
              </ul>
            ) : (
              list(sections)
            )}
          </section>
        );
      })}
    </nav>
  );
}
