import { useRosterStore } from '../../store';
import { selectImportRealmId } from '../../store/import-slice';
import { ImportDialogBody } from './ImportDialogBody';
import './import.css';

/** The import dialog while one is open (what it queued is then said in the roster's status line). */
export function ImportDialog() {
  const realmId = useRosterStore(selectImportRealmId);
  const realm = useRosterStore((s) => s.realms.find((r) => r.id === realmId) ?? null);
  return realm ? <ImportDialogBody realm={realm} /> : null;
}
