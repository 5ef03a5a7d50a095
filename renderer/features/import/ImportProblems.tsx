import { useId } from 'react';
import type { ImportPreview } from '../../../shared/api';
import { plural } from './import-words';

/** Every row the import cannot use, by line, announced as soon as the preview shows it. */
export function ImportProblems({ preview }: { preview: ImportPreview }) {
  const headingId = useId();
  if (preview.problemCount === 0) return null;
  const unlisted = preview.problemCount - preview.problems.length;
  return (
    // A long list scrolls: focusable so keyboard users can scroll it too.
    <div role="alert" aria-labelledby={headingId} className="import-dialog__problems" tabIndex={0}>
      <h3 id={headingId}>{plural(preview.problemCount, 'row cannot', 'rows cannot')} be imported</h3>
      <ul>
        {preview.problems.map((problem) => (
          <li key={`${problem.line}:${problem.message}`}>
            Line {problem.line}: {problem.message}
          </li>
        ))}
      </ul>
      {unlisted > 0 && <p>…and {plural(unlisted, 'more row', 'more rows')}.</p>}
    </div>
  );
}
