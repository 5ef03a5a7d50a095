import { useId } from 'react';
import { EXPORT_FORMATS, type ExportFormatName } from '../../../shared/api';
import { useRosterStore } from '../../store';
import type { ExportRequest } from '../../store/export-slice';
import { FORMAT_LABELS } from './export-format-words';

/**
 * What to export: the file layout, Excel mode (plain CSV only: the interchange formats refuse a formula-like value
 * rather than alter it), pending edits, and whose rows — the selection, everyone, or every cached roster.
 */
export function ExportChoices({ request }: { request: ExportRequest }) {
  const ids = useId();
  const format = useRosterStore((s) => s.exportFormat);
  const excel = useRosterStore((s) => s.exportExcel);
  const includePending = useRosterStore((s) => s.exportIncludePending);
  const scope = useRosterStore((s) => s.exportScope);
  const cached = useRosterStore((s) => s.realms.length);
  const setFormat = useRosterStore((s) => s.setExportFormat);
  const setExcel = useRosterStore((s) => s.setExportExcel);
  const setIncludePending = useRosterStore((s) => s.setExportIncludePending);
  const setScope = useRosterStore((s) => s.setExportScope);
  const selected = request.only?.length ?? 0;
  const moreCached = cached > new Set(request.realmIds).size;

  return (
    <>
      <div className="export-dialog__field">
        <label htmlFor={`${ids}-format`}>Format</label>
        <select id={`${ids}-format`} value={format} onChange={(event) => setFormat(event.target.value as ExportFormatName)}>
          {EXPORT_FORMATS.map((name) => (
            <option key={name} value={name}>
              {FORMAT_LABELS[name]}
            </option>
          ))}
        </select>
      </div>
      <label className="export-dialog__choice">
        <input
          type="checkbox"
          checked={format === 'plain' && excel}
          disabled={format !== 'plain'}
          aria-describedby={format === 'plain' ? undefined : `${ids}-excel-why`}
          onChange={(event) => setExcel(event.target.checked)}
        />
        For Excel (adds a BOM, neutralises formulas)
      </label>
      {format !== 'plain' && (
        <p id={`${ids}-excel-why`} className="export-dialog__hint">
          Only for Plain CSV: this format never alters a value, it refuses one that a spreadsheet would run as a formula.
        </p>
      )}
      <label className="export-dialog__choice">
        <input type="checkbox" checked={includePending} onChange={(event) => setIncludePending(event.target.checked)} />
        Include pending edits
      </label>
      {(selected > 0 || moreCached) && (
        <fieldset className="export-dialog__scope">
          <legend>Who to export</legend>
          {selected > 0 && (
            <label className="export-dialog__choice">
              <input type="radio" name={`${ids}-scope`} checked={scope === 'selected'} onChange={() => setScope('selected')} />
              Selected people ({selected})
            </label>
          )}
          <label className="export-dialog__choice">
            <input type="radio" name={`${ids}-scope`} checked={scope === 'everyone'} onChange={() => setScope('everyone')} />
            Everyone
          </label>
          {moreCached && (
            <label className="export-dialog__choice">
              <input type="radio" name={`${ids}-scope`} checked={scope === 'all-cached'} onChange={() => setScope('all-cached')} />
              All cached rosters ({cached})
            </label>
          )}
        </fieldset>
      )}
    </>
  );
}
