import type { SyncStatus } from '../../../shared/api';
import { progressWords } from './sync-words';

interface SyncProgressProps {
  /** The account being synced; null while "Sync now" waits for the main process to start the run. */
  status: SyncStatus | null;
  /** Named when there are several accounts. */
  accountName: string | null;
}

/** The running sync's phase and count, as a progressbar whose text says the same ("Sending changes 3 of 10"). */
export function SyncProgress({ status, accountName }: SyncProgressProps) {
  const progress = status?.progress ?? null;
  const words = `${accountName ? `${accountName}: ` : ''}${progressWords(progress)}`;
  const known = progress !== null && progress.total > 0;
  const done = known ? Math.min(progress.done, progress.total) : 0;
  return (
    <span className="sync-progress">
      <span
        role="progressbar"
        aria-label="Sync progress"
        aria-valuemin={0}
        aria-valuemax={known ? progress.total : undefined}
        aria-valuenow={known ? done : undefined}
        aria-valuetext={words}
        className="sync-progress__track"
      >
        <span
          className={known ? 'sync-progress__fill' : 'sync-progress__fill sync-progress__fill--indeterminate'}
          style={known ? { width: `${(100 * done) / progress.total}%` } : undefined}
        />
      </span>
      <span className="sync-progress__words">{words}</span>
    </span>
  );
}
