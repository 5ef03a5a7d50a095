/**
 * What importing a roster CSV into a realm would do: its rows against the realm's cached roster as staff see it (the
 * LMS's last state with the pending edits laid over it), person by person.
 *
 * A row names its person by LMS user id or by school id; either must be someone the account's cache knows (from any
 * cached roster, or looked up and remembered), since an enroll needs the LMS user id. Each usable row is an enroll
 * (not on the roster), a change (role or status differs) or unchanged; with a full sync, everyone on the roster no row
 * names is removed. Every row that cannot be used is a problem with its line: bad cells, another realm's row, an
 * unknown or ambiguous person, a person listed twice, a person whose pending edit must be settled first. A row the
 * import cannot use never changes anyone, and the person it names (when known) is never removed by a full sync.
 */
import type { ImportChange, ImportLayout, ImportProblem, KnownPerson, RealmSummary } from '../../shared/api';
import type { EnrollmentFields } from '../../shared/domain/enrollment';
import type { Cache } from '../db/cache';
import type { NamedRosterRow } from '../db/roster-query';
import type { Edit } from '../sync/outbox';
import { readCsvTable } from './csv-table';
import { layoutOf, type FileRow, type PersonRef } from './import-layout';

export interface PlannedChange extends ImportChange {
  /** The outbox edit that makes the change. */
  edit: Exclude<Edit, { kind: 'access_code' }>;
}

export interface ImportPlan {
  realm: RealmSummary;
  layout: ImportLayout;
  /** Data rows (blank lines not counted). */
  rows: number;
  /** Every change, in file order, removals last. */
  changes: PlannedChange[];
  unchanged: number;
  /** Every problem, by line. */
  problems: ImportProblem[];
}

export interface ImportRequest {
  content: string;
  fileName: string;
  fullSync: boolean;
}

/** Enrolls the file does not give a role or status for get what the LMS gives a new member. */
const ENROLL_DEFAULTS: EnrollmentFields = { role: 'student', status: 'active' };

const nameOf = (person: { displayName: string; userId: string }): string => `${person.displayName || person.userId} (${person.userId})`;

/** The people the rows name, found in one read of the cache, and the roster's own people beside them. */
class People {
  private readonly byUser = new Map<string, KnownPerson>();
  private readonly bySchool = new Map<string, KnownPerson[]>();

  constructor(
    known: readonly KnownPerson[],
    private readonly roster: ReadonlyMap<string, NamedRosterRow>,
  ) {
    for (const person of [...known, ...roster.values()]) {
      if (this.byUser.has(person.userId)) continue;
      this.byUser.set(person.userId, person);
      if (person.schoolUid === '') continue;
      const same = this.bySchool.get(person.schoolUid);
      if (same) same.push(person);
      else this.bySchool.set(person.schoolUid, [person]);
    }
  }

  /** The person the row names, or why there is none. */
  resolve(ref: PersonRef): { person: KnownPerson; issue: string | null } | { person: null; issue: string } {
    if (ref.by === 'userId') {
      const person = this.byUser.get(ref.userId);
      if (!person) return { person: null, issue: `no one with User ID ${ref.userId} is in the offline cache; check the ID, or pull a roster they are on` };
      if (ref.schoolUid !== '' && person.schoolUid !== '' && ref.schoolUid !== person.schoolUid) {
        return { person, issue: `User ID ${ref.userId} is ${person.displayName || 'someone'}, whose School ID is ${person.schoolUid}, not ${ref.schoolUid}; correct one of them` };
      }
      return { person, issue: null };
    }
    const found = this.bySchool.get(ref.schoolUid) ?? [];
    if (found.length === 0) {
      return { person: null, issue: `no one with ${ref.column} ${ref.schoolUid} is in the offline cache; check the ID, or pull a roster they are on` };
    }
    if (found.length === 1) return { person: found[0]!, issue: null };
    // Two people sharing a school id is a data error in the LMS; the one already on this roster is the one meant.
    const onRoster = found.filter((person) => this.roster.has(person.userId));
    if (onRoster.length === 1) return { person: onRoster[0]!, issue: null };
    const who = found.slice(0, 3).map(nameOf).join(', ');
    return { person: null, issue: `${ref.column} ${ref.schoolUid} belongs to ${found.length} people (${who}); name the person by User ID in a plain roster CSV` };
  }
}

/**
 * Why the person's pending edit stops the import from changing them, or null. Asked only when the row would change
 * them: a row that agrees with the roster (held edit included) has nothing to queue and is no problem.
 */
function heldIssue(cache: Cache, row: NamedRosterRow): string | null {
  const pending = row.pending;
  if (!pending) return null;
  if (pending.state === 'rejected') return `${nameOf(row)} has an edit the LMS rejected (${pending.error ?? 'see roster pending'}); settle the pending edit first`;
  if (pending.state === 'conflict') return `${nameOf(row)} has an edit in conflict with the LMS; settle the pending edit first`;
  // The roster shows an edit being sent as queued; the outbox knows better.
  if (cache.outbox.get(pending.opId)?.state === 'in_flight') return `${nameOf(row)} has an edit being sent to the LMS right now; import again after the sync`;
  return null;
}

/** The roster row as edits name it: its enrollment id, or its pending enroll's op id. */
const refOf = (row: NamedRosterRow): string => row.enrollmentId ?? row.pending!.opId;

const pendingRemoval = (row: NamedRosterRow | undefined): boolean => row?.pending?.kind === 'remove';

/** The change a usable row makes, or null when the roster already has it. */
function changeFor(realmId: string, row: FileRow, person: KnownPerson, current: NamedRosterRow | undefined): PlannedChange | null {
  const base = { line: row.line, userId: person.userId, schoolUid: person.schoolUid, name: person.displayName || person.userId };
  if (!current || pendingRemoval(current)) {
    // The plain export lists people queued for removal, marked so: the file and the roster agree on them.
    if (row.pendingRemoval) return null;
    // Someone queued for removal keeps the values the roster still shows unless the file gives others.
    const fields = { role: row.role ?? current?.role ?? ENROLL_DEFAULTS.role, status: row.status ?? current?.status ?? ENROLL_DEFAULTS.status };
    return { ...base, kind: 'enroll', ...fields, before: null, edit: { kind: 'enroll', realmId, userId: person.userId, fields } };
  }
  const fields: Partial<EnrollmentFields> = {};
  if (row.role !== null && row.role !== current.role) fields.role = row.role;
  if (row.status !== null && row.status !== current.status) fields.status = row.status;
  if (fields.role === undefined && fields.status === undefined) return null;
  return {
    ...base,
    kind: 'change',
    role: fields.role ?? current.role,
    status: fields.status ?? current.status,
    before: { role: current.role, status: current.status },
    edit: { kind: 'update', realmId, enrollmentId: refOf(current), fields },
  };
}

/** Reads the file and compares it with the realm's cached roster. Reads only; RosterApiError for an unreadable file. */
export function planImport(cache: Cache, realm: RealmSummary, request: ImportRequest): ImportPlan {
  const table = readCsvTable(request.content, request.fileName);
  const layout = layoutOf(table.header, realm, request.fileName);
  const fileRows = table.records.map((record) => layout.read(record));

  // Read the whole roster before anything else touches the cache: its cursor holds the connection.
  const roster = new Map<string, NamedRosterRow>();
  for (const row of cache.roster.each({ realmIds: [realm.id], sort: { column: 'name', direction: 'asc' } })) roster.set(row.userId, row);
  const userIds = new Set<string>();
  const schoolUids = new Set<string>();
  for (const { person } of fileRows) {
    if (person?.by === 'userId') userIds.add(person.userId);
    else if (person?.by === 'schoolUid') schoolUids.add(person.schoolUid);
  }
  const people = new People(cache.people.byIds(realm.accountId, [...userIds], [...schoolUids]), roster);

  const changes: PlannedChange[] = [];
  const problems: ImportProblem[] = [];
  let unchanged = 0;
  const firstLineOf = new Map<string, number>();
  for (const row of fileRows) {
    const issues = [...row.issues];
    const resolved = row.person ? people.resolve(row.person) : null;
    if (resolved?.issue) issues.push(resolved.issue);
    const person = resolved?.person ?? null;
    if (person && !row.elsewhere) {
      const first = firstLineOf.get(person.userId);
      if (first === undefined) firstLineOf.set(person.userId, row.line);
      else issues.push(`${nameOf(person)} is listed again: duplicate of line ${first}`);
    }
    let change: PlannedChange | null = null;
    if (person && issues.length === 0) {
      const current = roster.get(person.userId);
      change = changeFor(realm.id, row, person, current);
      const held = change && current ? heldIssue(cache, current) : null;
      if (held) issues.push(held);
    }
    if (issues.length > 0) problems.push({ line: row.line, message: issues.join('; ') });
    else if (change) changes.push(change);
    else unchanged += 1;
  }

  if (request.fullSync) {
    for (const current of roster.values()) {
      if (firstLineOf.has(current.userId) || pendingRemoval(current)) continue;
      const held = heldIssue(cache, current);
      if (held) {
        // Not in the file, so no line of its own: the header's line stands for the whole file.
        problems.push({ line: table.header.line, message: `${held} before a full sync can remove them` });
        continue;
      }
      changes.push({
        kind: 'remove',
        line: null,
        userId: current.userId,
        schoolUid: current.schoolUid,
        name: current.displayName || current.userId,
        role: current.role,
        status: current.status,
        before: null,
        edit: { kind: 'remove', realmId: realm.id, enrollmentId: refOf(current) },
      });
    }
  }
  problems.sort((a, b) => a.line - b.line);
  return { realm, layout: layout.name, rows: fileRows.length, changes, unchanged, problems };
}
