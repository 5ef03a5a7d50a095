import { useId } from 'react';
import type { RealmSummary } from '../../../shared/api';
import { useModalDialog } from '../../use-modal-dialog';
import { useRosterStore } from '../../store';
import { importChangeCount } from '../../store/import-slice';
import { ImportChanges } from './ImportChanges';
import { ImportProblems } from './ImportProblems';
import { LAYOUT_LABELS, plural, queueLabel } from './import-words';

/**
 * A modal (focus trapped, Escape cancels): a roster CSV checked against the realm's cached roster — what it would
 * enroll, change or (full sync) remove, and every row it cannot use — queued as edits only when confirmed.
 */
export function ImportDialogBody({ realm }: { realm: RealmSummary }) {
  const ref = useModalDialog();
  const ids = useId();
  const file = useRosterStore((s) => s.importFile);
  const fullSync = useRosterStore((s) => s.importFullSync);
  const preview = useRosterStore((s) => s.importPreview);
  const busy = useRosterStore((s) => s.importBusy);
  const error = useRosterStore((s) => s.importError);
  const chooseFile = useRosterStore((s) => s.chooseImportFile);
  const setFullSync = useRosterStore((s) => s.setImportFullSync);
  const queue = useRosterStore((s) => s.queueImport);
  const close = useRosterStore((s) => s.closeImport);
  const changes = preview ? importChangeCount(preview) : 0;
  const problems = preview?.problemCount ?? 0;
  const progress =
    busy === 'reading' ? 'Reading the file…' : busy === 'previewing' ? `Checking ${file?.name ?? 'the file'} against the roster…` : busy === 'queuing' ? 'Queuing…' : '';

  return (
    <dialog
      ref={ref}
      className="confirm-dialog import-dialog"
      aria-labelledby={`${ids}-title`}
      aria-describedby={`${ids}-about`}
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      <h2 id={`${ids}-title`}>Import a CSV into {realm.title}</h2>
      <p id={`${ids}-about`} className="import-dialog__hint">
        A roster exported from Roster Desk as Plain CSV, or a file in Schoology&apos;s course-enrollment import layout. Nothing
        is queued until you confirm; the changes then wait under Pending changes until the next sync.
      </p>
      <div className="import-dialog__field">
        <label htmlFor={`${ids}-file`}>CSV file</label>
        <input id={`${ids}-file`} type="file" accept=".csv,text/csv,text/plain" onChange={(event) => void chooseFile(event.target.files?.[0] ?? null)} />
      </div>
      <label className="import-dialog__choice">
        <input type="checkbox" checked={fullSync} onChange={(event) => setFullSync(event.target.checked)} />
        Full sync: remove people the file does not list
      </label>
      <p role="status" className="import-dialog__hint">
        {progress}
      </p>
      {error && (
        <p role="alert" className="banner banner--error">
          {error}
        </p>
      )}
      {preview && file && (
        <section className="import-dialog__preview" aria-label="What the import does">
          <p className="import-dialog__layout">
            {LAYOUT_LABELS[preview.layout]} · {plural(preview.rows, 'row', 'rows')} in {file.name}
          </p>
          <p className="import-dialog__counts">
            To enroll {preview.toEnroll.toLocaleString()} · To change {preview.toChange.toLocaleString()} · To remove{' '}
            {preview.toRemove.toLocaleString()} · Unchanged {preview.unchanged.toLocaleString()}
          </p>
          <ImportChanges preview={preview} provider={realm.provider} />
          <ImportProblems preview={preview} />
        </section>
      )}
      <div className="confirm-dialog__actions">
        <button type="button" onClick={close}>
          Cancel
        </button>
        <button type="button" className="button--primary" disabled={changes === 0 || busy !== 'idle'} onClick={() => void queue()}>
          {queueLabel(changes, problems)}
        </button>
      </div>
    </dialog>
  );
}
