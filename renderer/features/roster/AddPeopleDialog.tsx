import { useId, useRef, useState, type KeyboardEvent } from 'react';
import type { Edit, KnownPerson, RealmSummary } from '../../../shared/api';
import type { Provider } from '../../../shared/domain/provider';
import { roleLabel, statusLabel, type Role, type Status } from '../../../shared/domain/roles';
import { getApi } from '../../api';
import { messageOf } from '../../store/error-message';
import { rolesFor, statusesFor } from './provider-vocabulary';
import { useQueueEdits } from './queue-edits';
import { useModalDialog } from '../../use-modal-dialog';
import './dialogs.css';

interface AddPeopleDialogProps {
  realm: RealmSummary;
  onClose(): void;
}

/** Someone on the "To add" list: a person the cache knows, or only a user id typed in. */
interface Candidate {
  userId: string;
  name: string;
  /** What the list shows: "James Howlett (S-1001)", or "user 5551234" for a typed id. */
  label: string;
}

const SEARCH_LIMIT = 20;
/**
 * The realm's own rows matching the same text, to mark who is in it already. The roster search matches the same
 * fields as findPeople, so this covers the found people unless the realm has more matches than this (then some
 * go unmarked, which only costs the hint).
 */
const MEMBERS_LIMIT = 500;

/** Canvas's enroll call accepts only these; its other states are ones an enrollment reaches, not starts in. */
const CANVAS_STARTING_STATUSES: readonly Status[] = ['active', 'invited', 'inactive'];
const startingStatusesFor = (provider: Provider): readonly Status[] =>
  provider === 'canvas' ? statusesFor(provider).filter((value) => CANVAS_STARTING_STATUSES.includes(value)) : statusesFor(provider);

const personLabel = (person: KnownPerson): string =>
  person.schoolUid ? `${person.displayName} (${person.schoolUid})` : `${person.displayName} (no school ID)`;

const fromPerson = (person: KnownPerson): Candidate => ({ userId: person.userId, name: person.displayName, label: personLabel(person) });
const fromUserId = (userId: string): Candidate => ({ userId, name: `user ${userId}`, label: `user ${userId}` });

/** The API numbers a refused edit ("Edit 2: …"); staff know it by the person's name. */
function naming(message: string, people: readonly Candidate[]): string {
  return message.replace(/^Edit (\d+): /, (whole, n: string) => {
    const person = people[Number(n) - 1];
    return person ? `${person.name}: ` : whole;
  });
}

/**
 * Enrolls people in a realm: found among the people the account's cached rosters know, or by LMS user id for someone
 * the cache has never seen. Each becomes a queued enroll edit that the next sync sends.
 */
export function AddPeopleDialog({ realm, onClose }: AddPeopleDialogProps) {
  const dialogRef = useModalDialog();
  const ids = useId();
  const queueEdits = useQueueEdits();

  const roles = rolesFor(realm.provider);
  const statuses = startingStatusesFor(realm.provider);
  // Both providers know students; most people added to a roster are.
  const [role, setRole] = useState<Role>('student');
  const [status, setStatus] = useState<Status>('active');

  const [searchText, setSearchText] = useState('');
  const [found, setFound] = useState<{ text: string; people: KnownPerson[]; members: ReadonlySet<string> } | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  const latestSearch = useRef(0);

  const [toAdd, setToAdd] = useState<Candidate[]>([]);
  const [userIdText, setUserIdText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const searchRef = useRef<HTMLInputElement>(null);
  const chipsRef = useRef<HTMLUListElement>(null);

  function search(text: string) {
    setSearchText(text);
    // Every key starts a search; answers can arrive out of order, and only the newest may reach the list.
    const request = ++latestSearch.current;
    const query = text.trim();
    if (!query) {
      setFound(null);
      setSearchError(null);
      return;
    }
    const api = getApi();
    const members = api
      .queryRoster({ realmIds: [realm.id], search: query, limit: MEMBERS_LIMIT })
      .then((page) => new Set(page.rows.filter((row) => row.pending?.kind !== 'remove').map((row) => row.userId)))
      .catch(() => new Set<string>());
    Promise.all([api.findPeople({ accountId: realm.accountId, text: query, limit: SEARCH_LIMIT }), members])
      .then(
        ([people, inRealm]) => {
          if (request !== latestSearch.current) return;
          setFound({ text: query, people, members: inRealm });
          setSearchError(null);
        },
        (failure: unknown) => {
          if (request !== latestSearch.current) return;
          setFound(null);
          setSearchError(messageOf(failure));
        },
      );
  }

  const isListed = (userId: string) => toAdd.some((candidate) => candidate.userId === userId);

  function toggle(person: KnownPerson) {
    setError(null);
    setToAdd((list) => (list.some((c) => c.userId === person.userId) ? list.filter((c) => c.userId !== person.userId) : [...list, fromPerson(person)]));
  }

  function addTypedUserId() {
    const userId = userIdText.trim();
    if (!userId) {
      setError('Type the LMS user ID of the person to add (the number in their profile address), then press Add by user ID.');
      return;
    }
    setError(null);
    setToAdd((list) => (list.some((c) => c.userId === userId) ? list : [...list, fromUserId(userId)]));
    setUserIdText('');
  }

  function onUserIdKey(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    addTypedUserId();
  }

  function remove(index: number) {
    setToAdd((list) => list.filter((_, i) => i !== index));
    // The removed chip's button had the focus; hand it to the chip that takes its place, or back to the search.
    requestAnimationFrame(() => {
      const buttons = chipsRef.current?.querySelectorAll('button');
      const next = buttons?.[Math.min(index, buttons.length - 1)];
      (next ?? searchRef.current)?.focus();
    });
  }

  async function submit() {
    if (busy) return;
    // An id typed but not yet put on the list is clearly meant to be added too.
    const typed = userIdText.trim();
    const people = typed && !isListed(typed) ? [...toAdd, fromUserId(typed)] : toAdd;
    if (people.length === 0) {
      setError('Nobody to add yet: search for people you know and choose them, or type a user ID.');
      return;
    }
    const edits: Edit[] = people.map((person) => ({ kind: 'enroll', realmId: realm.id, userId: person.userId, fields: { role, status } }));
    setBusy(true);
    setError(null);
    const failure = await queueEdits(edits);
    setBusy(false);
    if (failure === null) return onClose();
    // Nothing typed is lost: an id from the box is now on the list, ready for another try.
    setToAdd(people);
    setUserIdText('');
    setError(naming(failure, people));
  }

  const searchStatus = searchError
    ? ''
    : found === null
      ? ''
      : found.people.length === 0
        ? `No one in your cached rosters matches “${found.text}”. If they are new here, add them by user ID.`
        : found.people.length >= SEARCH_LIMIT
          ? `Showing the first ${SEARCH_LIMIT} matches; type more of the name to narrow them.`
          : `${found.people.length} ${found.people.length === 1 ? 'person' : 'people'} found.`;

  return (
    <dialog
      ref={dialogRef}
      className="roster-dialog"
      aria-labelledby={`${ids}-title`}
      aria-describedby={`${ids}-about`}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={`${ids}-title`}>Add people to {realm.title}</h2>
      <p id={`${ids}-about`} className="roster-dialog__hint">
        They are enrolled at the next sync; until then they show in the roster as “To enroll” and under Pending changes.
      </p>

      <div className="roster-dialog__field">
        <label htmlFor={`${ids}-search`}>Search people you know</label>
        <input
          ref={searchRef}
          id={`${ids}-search`}
          type="search"
          autoFocus
          autoComplete="off"
          aria-describedby={`${ids}-search-status`}
          placeholder="Name or school ID"
          value={searchText}
          onChange={(event) => search(event.target.value)}
        />
      </div>
      <p id={`${ids}-search-status`} role="status" className="roster-dialog__hint">
        {searchStatus}
      </p>
      {searchError && (
        <p role="alert" className="roster-dialog__error">
          {searchError}
        </p>
      )}
      {found && found.people.length > 0 && (
        <ul className="people-results" aria-label="People found">
          {found.people.map((person) => {
            const member = found.members.has(person.userId);
            return (
              <li key={person.userId}>
                <button
                  type="button"
                  aria-pressed={isListed(person.userId)}
                  aria-describedby={member ? `${ids}-member-${person.userId}` : undefined}
                  onClick={() => toggle(person)}
                >
                  <span>{personLabel(person)}</span>
                  {/* Hidden from the name, which stays "<name> (<school ID>)"; the note is read as a description. */}
                  {member && (
                    <span id={`${ids}-member-${person.userId}`} className="people-results__note" aria-hidden="true">
                      already in this roster
                    </span>
                  )}
                  {isListed(person.userId) && (
                    <span className="people-results__added" aria-hidden="true">
                      ✓ on the list
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      )}

      <div className="roster-dialog__field">
        <label htmlFor={`${ids}-user-id`}>User ID</label>
        <div className="roster-dialog__inline">
          <input
            id={`${ids}-user-id`}
            type="text"
            autoComplete="off"
            inputMode="numeric"
            aria-describedby={`${ids}-user-id-hint`}
            value={userIdText}
            onChange={(event) => setUserIdText(event.target.value)}
            onKeyDown={onUserIdKey}
          />
          <button type="button" onClick={addTypedUserId}>
            Add by user ID
          </button>
        </div>
        <span id={`${ids}-user-id-hint`} className="roster-dialog__hint">
          For someone none of your rosters has yet: their LMS user ID, from their profile address.
        </span>
      </div>

      <h3 id={`${ids}-to-add`} className="roster-dialog__subheading">
        To add ({toAdd.length})
      </h3>
      {toAdd.length === 0 ? (
        <p className="roster-dialog__hint">Nobody chosen yet.</p>
      ) : (
        <ul ref={chipsRef} className="people-chips" aria-labelledby={`${ids}-to-add`}>
          {toAdd.map((candidate, index) => (
            <li key={candidate.userId} className="people-chips__chip">
              <span>{candidate.label}</span>
              <button type="button" aria-label={`Don't add ${candidate.name}`} onClick={() => remove(index)}>
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      )}

      <div className="roster-dialog__row">
        <div className="roster-dialog__field">
          <label htmlFor={`${ids}-role`}>Role</label>
          <select id={`${ids}-role`} value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {roles.map((value) => (
              <option key={value} value={value}>
                {roleLabel(realm.provider, value)}
              </option>
            ))}
          </select>
        </div>
        <div className="roster-dialog__field">
          <label htmlFor={`${ids}-status`}>Status</label>
          <select id={`${ids}-status`} value={status} onChange={(event) => setStatus(event.target.value as Status)}>
            {statuses.map((value) => (
              <option key={value} value={value}>
                {statusLabel(realm.provider, value)}
              </option>
            ))}
          </select>
        </div>
      </div>

      {error && (
        <p role="alert" className="roster-dialog__error">
          {error}
        </p>
      )}
      <div className="roster-dialog__actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button--primary" aria-disabled={busy} onClick={() => void submit()}>
          Add
        </button>
      </div>
    </dialog>
  );
}
