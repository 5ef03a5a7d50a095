/** The sync bar's words: connectivity, when an account last synced, and how far a running sync is. */
import type { SyncStatus } from '../../../shared/api';

export function connectivityWords(connectivity: SyncStatus['connectivity']): string {
  switch (connectivity) {
    case 'online':
      return 'Online';
    case 'offline':
      return 'Offline';
    case 'unknown':
      return 'Not checked yet';
  }
}

type Progress = NonNullable<SyncStatus['progress']>;

const PHASE_WORDS: Record<Progress['phase'], string> = {
  checking: 'Checking the LMS',
  pushing: 'Sending changes',
  refreshing: 'Refreshing rosters',
  done: 'Finishing',
};

/** "Sending changes 3 of 10"; just the phase while its total is not known yet. */
export function progressWords(progress: Progress | null): string {
  if (!progress) return 'Starting sync';
  const phase = PHASE_WORDS[progress.phase];
  return progress.total > 0 ? `${phase} ${Math.min(progress.done, progress.total)} of ${progress.total}` : phase;
}

/** "at 14:05" today, "on 24 Nov, 14:05" before: the local time, which staff can check against the LMS. */
export function syncedAtWords(iso: string, now: Date = new Date()): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  const time = when.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (when.toDateString() === now.toDateString()) return `at ${time}`;
  return `on ${when.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: when.getFullYear() === now.getFullYear() ? undefined : 'numeric' })}, ${time}`;
}
