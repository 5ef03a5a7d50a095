import { useId, useMemo } from 'react';
import { useModalDialog } from '../../use-modal-dialog';
import { useRosterStore } from '../../store';
import type { ExportRequest } from '../../store/export-slice';
import type { RealmSummary } from '../../../shared/api';
import { csvTable } from './csv-preview';
import { saveFile } from './save-file';

/** A modal (focus trapped, Escape cancels): what to export, a preview of its first rows, and the download. */
export function ExportDialogBody({ request }: { request: ExportRequest }) {
  const ref = useModalDialog();
  const ids = useId();
  const includePending = useRosterStore((s) => s.exportIncludePending);
  const scope = useRosterStore((s) => s.exportScope);
  const preview = useRosterStore((s) => s.exportPreview);
  const busy = useRosterStore((s) => s.exportBusy);
  const error = useRosterStore((s) => s.exportError);
  const setIncludePending = useRosterStore((s) => s.setExportIncludePending);
  const setScope = useRosterStore((s) => s.setExportScope);
  const download = useRosterStore((s) => s.downloadExport);
  const close = useRosterStore((s) => s.closeExport);
  const table = useMemo(() => (preview ? csvTable(preview.content) : null), [preview]);
  const name = request.realmIds.length === 1 ? 'Export roster' : `Export ${request.realmIds.length} rosters`;
  const selected = request.only?.length ?? 0;
  const realms = useRosterStore((s) => s.realms);
  const what = useMemo(() => exportedWhat(request, realms), [request, realms]);

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
        {what} as a CSV file.
      </p>
      <label className="export-dialog__choice">
        <input type="checkbox" checked={includePending} onChange={(event) => setIncludePending(event.target.checked)} />
        Include pending edits
      </label>
      {selected > 0 && (
        <fieldset className="export-dialog__scope">
          <legend>Who to export</legend>
          <label className="export-dialog__choice">
            <input type="radio" name={`${ids}-scope`} checked={scope === 'selected'} onChange={() => setScope('selected')} />
            Selected people ({selected})
          </label>
          <label className="export-dialog__choice">
            <input type="radio" name={`${ids}-scope`} checked={scope === 'everyone'} onChange={() => setScope('everyone')} />
            Everyone
          </label>
        </fieldset>
      )}
      {error && (
        <p role="alert" className="banner banner--error">
          {error}
        </p>
      )}
      {/* A wide preview scrolls: focusable so keyboard users can scroll it too. */}
      <div className="export-dialog__preview" role="region" aria-label="Preview of the file" tabIndex={0} aria-busy={busy === 'previewing'}>
        {table ? (
          <table className="export-preview" aria-label="Preview">
            <caption>
              {preview && preview.rows > table.rows.length
                ? `First ${table.rows.length} of ${preview.rows} rows`
                : `${table.rows.length} ${table.rows.length === 1 ? 'row' : 'rows'}`}
            </caption>
            <thead>
              <tr>
                {table.header.map((cell, index) => (
                  <th key={index} scope="col">
                    {cell}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, rowIndex) => (
                <tr key={rowIndex}>
                  {row.map((cell, index) => (
                    <td key={index}>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          !error && <p className="export-dialog__muted">Preparing the preview…</p>
        )}
      </div>
      <div className="confirm-dialog__actions">
        <button type="button" onClick={close}>
          Cancel
        </button>
        <button type="button" className="button--primary" disabled={busy === 'downloading'} onClick={() => void download(saveFile)}>
          Download CSV
        </button>
      </div>
    </dialog>
  );
}

/** Names the rosters of a several-realm export ("Algebra I · P3, Math Team and 2 more"); one realm: its title. */
function exportedWhat(request: ExportRequest, realms: RealmSummary[]): string {
  if (request.realmIds.length === 1) return request.title;
  const titles = request.realmIds.map((id) => realms.find((realm) => realm.id === id)?.title).filter((title) => title !== undefined);
  if (titles.length !== request.realmIds.length) return request.title;
  if (titles.length <= 3) return `${titles.slice(0, -1).join(', ')} and ${titles.at(-1)}`;
  return `${titles.slice(0, 2).join(', ')} and ${titles.length - 2} more`;
}
