import { useRosterStore } from '../../store';
import { selectExportDialog, selectExportNotice } from '../../store/export-slice';
import { ExportDialogBody } from './ExportDialogBody';
import './export.css';

/** The export dialog while one is open; afterwards, what was exported (until dismissed). */
export function ExportDialog() {
  const request = useRosterStore(selectExportDialog);
  const notice = useRosterStore(selectExportNotice);
  const dismiss = useRosterStore((s) => s.dismissExportNotice);
  if (request) return <ExportDialogBody request={request} />;
  if (!notice) return null;
  return (
    <div className="export-notice">
      <p role="status">{notice}</p>
      <button type="button" className="export-button" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
