import type { RealmSummary } from '../../../shared/api';

interface RealmItemProps {
  realm: RealmSummary;
  selected: boolean;
  checked: boolean;
  onSelect(realmId: string): void;
  onCheck(realmId: string, on: boolean): void;
}

/**
 * One realm's row: its export checkbox and the button that opens its roster. A Canvas course is a roster of its own
 * (every section's people), so its row says "whole course": that also tells it apart from the course's default
 * section, which Canvas names after the course.
 */
export function RealmItem({ realm, selected, checked, onSelect, onCheck }: RealmItemProps) {
  const course = realm.kind === 'course';
  const name = course ? `${realm.title} (whole course)` : realm.title;
  return (
    <div className={course ? 'realm-item realm-item--course' : 'realm-item'}>
      <input
        type="checkbox"
        className="realm-item__check"
        aria-label={`Include ${name} in export`}
        checked={checked}
        onChange={(event) => onCheck(realm.id, event.target.checked)}
      />
      <button type="button" className="realm-button" aria-current={selected ? 'true' : undefined} onClick={() => onSelect(realm.id)}>
        <span className="realm-button__title">
          {realm.title}
          {course && <span className="realm-button__scope"> (whole course)</span>}
        </span>
        <span className="realm-button__count" aria-label={`${realm.enrollmentCount} people`}>
          {realm.enrollmentCount}
        </span>
        {realm.pendingCount > 0 && (
          <span className="badge" aria-label={`${realm.pendingCount} pending edits`}>
            {realm.pendingCount}
          </span>
        )}
      </button>
    </div>
  );
}
