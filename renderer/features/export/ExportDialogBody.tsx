import { useId, useMemo } from 'react';
import { useModalDialog } from '../../use-modal-dialog';
import { useRosterStore } from '../../store';
import type { ExportRequest, ExportScope } from '../../store/export-slice';
import type { RealmSummary } from '../../../shared/api';
import { ExportChoices } from './ExportChoices';
import { ExportPreview } from './ExportPreview';
import { FORMAT_AS, downloadLabel, previewedFile } from './export-format-words';
import { saveFile } from './save-file';

/** A modal (focus trapped, Escape cancels): what to export and how, a preview of its first rows, and the download. */
export function ExportDialogBody({ request }: { request: ExportRequest }) {
  const ref = useModalDialog();
  const ids = useId();
  const format = useRosterStore((s) => s.exportFormat);
  const scope = useRosterStore((s) => s.exportScope);
  const preview = useRosterStore((s) => s.exportPreview);
  const busy = useRosterStore((s) => s.exportBusy);
  const error = useRosterStore((s) => s.exportError);
  const download = useRosterStore((s) => s.downloadExport);
  const close = useRosterStore((s) => s.closeExport);
  const realms = useRosterStore((s) => s.realms);
  const name = request.realmIds.length === 1 ? 'Export roster' : `Export ${request.realmIds.length} rosters`;
  const what = useMemo(() => exportedWhat(request, scope, realms), [request, scope, realms]);
  // These choices' preview was refused (a value the format cannot carry): the download would only be refused again.
  const refused = error !== null && preview === null && busy === 'idle';

  return (
    <dialog
      ref={ref}
      className="confirm-dialog export-dialog"
      aria-labelledby={`${ids}-title`}
      aria-describedby={`${ids}-what`}
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      <h2 id={`${ids}-title`}>{name}</h2>
      <p id={`${ids}-what`} className="export-dialog__what">
        {what} as {FORMAT_AS[format]}.
      </p>
      <ExportChoices request={request} />
      {error && (
        <p role="alert" className="banner banner--error">
          {error}
        </p>
      )}
      <ExportPreview preview={preview} busy={busy === 'previewing'} fileShown={previewedFile(format)} failed={error !== null} />
      <div className="confirm-dialog__actions">
        <button type="button" onClick={close}>
          Cancel
        </button>
        <button type="button" className="button--primary" disabled={busy === 'downloading' || refused} onClick={() => void download(saveFile)}>
          {downloadLabel(format)}
        </button>
      </div>
    </dialog>
  );
}

/** Names the rosters exported ("Algebra I · P3, Math Team and 2 more"); one realm: its title. */
function exportedWhat(request: ExportRequest, scope: ExportScope, realms: RealmSummary[]): string {
  if (scope === 'all-cached') return `All ${realms.length} cached rosters`;
  if (request.realmIds.length === 1) return request.title;
  const titles = request.realmIds.map((id) => realms.find((realm) => realm.id === id)?.title).filter((title) => title !== undefined);
  if (titles.length !== request.realmIds.length) return request.title;
  if (titles.length <= 3) return `${titles.slice(0, -1).join(', ')} and ${titles.at(-1)}`;
  return `${titles.slice(0, 2).join(', ')} and ${titles.length - 2} more`;
}
