import { useMemo } from 'react';
import type { ExportFile } from '../../../shared/api';
import { csvTable } from './csv-preview';

interface ExportPreviewProps {
  preview: ExportFile | null;
  busy: boolean;
  /** The file of a several-file export the preview comes from ("enrollments.csv"), or null for a single CSV. */
  fileShown: string | null;
  /** The preview was refused: the dialog's alert says why, and there is nothing to show here. */
  failed: boolean;
}

/** The first rows of the main CSV as a table, with how many the whole export holds. */
export function ExportPreview({ preview, busy, fileShown, failed }: ExportPreviewProps) {
  const table = useMemo(() => (preview ? csvTable(preview.content) : null), [preview]);
  if (!table && failed) return null;
  const label = fileShown ? `Preview of ${fileShown}` : 'Preview of the file';
  const count = (shown: number, total: number): string =>
    total > shown ? `First ${shown} of ${total} rows` : `${shown} ${shown === 1 ? 'row' : 'rows'}`;

  return (
    // A wide preview scrolls: focusable so keyboard users can scroll it too.
    <div className="export-dialog__preview" role="region" aria-label={label} tabIndex={0} aria-busy={busy}>
      {table && preview ? (
        <table className="export-preview" aria-label="Preview">
          <caption>{fileShown ? `${label}: ${count(table.rows.length, preview.rows).toLowerCase()}` : count(table.rows.length, preview.rows)}</caption>
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
        <p className="export-dialog__muted">Preparing the preview…</p>
      )}
    </div>
  );
}
