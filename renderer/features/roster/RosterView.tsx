import { useState } from 'react';
import { useRosterStore } from '../../store';
import { selectEditError, selectRosterNotice, selectRosterQuery, selectRosterTotal } from '../../store/roster-view-slice';
import { AccessCodeDialog } from './AccessCodeDialog';
import { AddPeopleDialog } from './AddPeopleDialog';
import { BulkBar } from './BulkBar';
import { peopleCount } from './people-count';
import { RosterGrid } from './RosterGrid';
import { RosterToolbar } from './RosterToolbar';
import './roster.css';

export function RosterView() {
  const realm = useRosterStore((s) => s.realms.find((r) => r.id === s.selectedRealmId) ?? null);
  const query = useRosterStore(selectRosterQuery);
  const total = useRosterStore(selectRosterTotal);
  const unfiltered = useRosterStore((s) => s.rosterUnfilteredTotal);
  const countFiltered = useRosterStore((s) => s.rosterTotalFiltered);
  const rosterError = useRosterStore((s) => s.rosterError);
  const editError = useRosterStore(selectEditError);
  const notice = useRosterStore(selectRosterNotice);
  const dismissEditError = useRosterStore((s) => s.dismissEditError);
  const dismissNotice = useRosterStore((s) => s.dismissRosterNotice);
  const [dialog, setDialog] = useState<'add' | 'code' | null>(null);

  if (!realm) {
    return (
      <main className="roster roster--empty">
        <p>Choose a course section or group to see its roster.</p>
      </main>
    );
  }
  const filtered = Boolean(query.search.trim() || query.roles.length || query.statuses.length);
  return (
    <main className="roster roster--grid" aria-label={`Roster of ${realm.title}`}>
      <div className="roster__heading">
        <h2>{realm.title}</h2>
        <span className="roster__meta">
          {[realm.courseCode, realm.sectionCode].filter(Boolean).join(' · ')}
          {realm.pulledAt ? ` · updated ${new Date(realm.pulledAt).toLocaleString()}` : ' · never synced'}
        </span>
      </div>
      <RosterToolbar provider={realm.provider} onAddPeople={() => setDialog('add')} onJoinWithCode={() => setDialog('code')} />
      {rosterError && (
        <div role="alert" className="banner banner--error">
          {rosterError}
        </div>
      )}
      {editError && (
        <div role="alert" className="banner banner--error banner--dismissable">
          <span>{editError}</span>
          <button type="button" className="link-button" onClick={dismissEditError}>
            Dismiss
          </button>
        </div>
      )}
      <div className="roster__status">
        <span role="status" className="roster__count">
          {total === null ? 'Loading people…' : peopleCount(total, unfiltered, countFiltered)}
        </span>
        <span role="status" className="roster__notice">
          {notice}
        </span>
        {notice && (
          <button type="button" className="link-button roster__notice-dismiss" onClick={dismissNotice}>
            Dismiss
          </button>
        )}
      </div>
      <BulkBar provider={realm.provider} total={total ?? 0} />
      <RosterGrid provider={realm.provider} filtered={filtered} />
      {dialog === 'add' && <AddPeopleDialog realm={realm} onClose={() => setDialog(null)} />}
      {dialog === 'code' && <AccessCodeDialog realm={realm} onClose={() => setDialog(null)} />}
    </main>
  );
}
