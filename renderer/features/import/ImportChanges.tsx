import type { ImportPreview } from '../../../shared/api';
import type { Provider } from '../../../shared/domain/provider';
import { describeChange, plural } from './import-words';

/** The changes the file makes, in file order (removals last), with the line each comes from. */
export function ImportChanges({ preview, provider }: { preview: ImportPreview; provider: Provider }) {
  const total = preview.toEnroll + preview.toChange + preview.toRemove;
  if (preview.changes.length === 0) return null;
  return (
    // A long list scrolls: focusable so keyboard users can scroll it too.
    <div className="import-dialog__changes" role="region" aria-label="Changes" tabIndex={0}>
      <table className="import-changes" aria-label="Changes to queue">
        <caption>
          {total > preview.changes.length ? `First ${preview.changes.length.toLocaleString()} of ${plural(total, 'change', 'changes')}` : plural(total, 'change', 'changes')}
        </caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">User ID</th>
            <th scope="col">Change</th>
            <th scope="col">Line</th>
          </tr>
        </thead>
        <tbody>
          {preview.changes.map((change) => (
            <tr key={`${change.kind}:${change.userId}:${change.line ?? ''}`}>
              <th scope="row">{change.name}</th>
              <td>{change.userId}</td>
              <td>{describeChange(provider, change)}</td>
              {/* A removal has no line: the person is missing from the file. */}
              <td>{change.line ?? 'not in file'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
