/**
 * Importing a roster CSV into the open realm: the file chosen (read as text here, in the renderer), the full-sync
 * choice, and the main process's preview of what the file would change and which rows it cannot use. Nothing is
 * queued until queueImport; a file with bad rows is queued only without them, and only because the user said so.
 */
import type { StateCreator } from 'zustand';
import type { ImportPreview } from '../../shared/api';
import { getApi } from '../api';
import type { RosterStore } from './index';
import { messageOf } from './error-message';

/** ImportInputSchema's limit on the name carried into messages. */
const MAX_FILE_NAME = 500;

export interface ImportFile {
  name: string;
  content: string;
}

export interface ImportSlice {
  /** The realm the import dialog is open for; null while closed. */
  importRealmId: string | null;
  importFile: ImportFile | null;
  importFullSync: boolean;
  importPreview: ImportPreview | null;
  importBusy: 'idle' | 'reading' | 'previewing' | 'queuing';
  /** Why the file cannot be read or queued (not a CSV, an unknown layout…): shown in the dialog. */
  importError: string | null;
  /** Opens the dialog for the realm on screen. */
  openImport(): void;
  closeImport(): void;
  /** Reads the chosen file as text and previews it; null (the choice cleared) forgets the file. */
  chooseImportFile(file: File | null): Promise<void>;
  setImportFullSync(fullSync: boolean): void;
  loadImportPreview(): Promise<void>;
  /** Queues the previewed changes (leaving the bad rows out when there are any), then closes and says what it did. */
  queueImport(): Promise<void>;
}

/** The changes the preview would queue. */
export const importChangeCount = (preview: ImportPreview): number => preview.toEnroll + preview.toChange + preview.toRemove;

const plural = (n: number, one: string, many: string): string => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** Only the newest preview may reach the screen when the file or the choice changes before the answer. */
let latestPreview = 0;

export const createImportSlice: StateCreator<RosterStore, [], [], ImportSlice> = (set, get) => {
  function importInput() {
    const { importRealmId: realmId, importFile: file, importFullSync: fullSync } = get();
    if (!realmId || !file) return null;
    return { realmId, content: file.content, fileName: file.name.slice(0, MAX_FILE_NAME), fullSync };
  }

  return {
    importRealmId: null,
    importFile: null,
    importFullSync: false,
    importPreview: null,
    importBusy: 'idle',
    importError: null,

    openImport() {
      const realmId = get().selectedRealmId;
      if (!realmId) return;
      latestPreview += 1;
      set({ importRealmId: realmId, importFile: null, importFullSync: false, importPreview: null, importBusy: 'idle', importError: null });
    },

    closeImport() {
      latestPreview += 1;
      set({ importRealmId: null, importFile: null, importPreview: null, importBusy: 'idle', importError: null });
    },

    async chooseImportFile(file) {
      const request = ++latestPreview;
      set({ importFile: null, importPreview: null, importError: null, importBusy: file ? 'reading' : 'idle' });
      if (!file) return;
      let content: string;
      try {
        // Blob.text() decodes UTF-8 and drops a leading BOM, as a spreadsheet's "CSV UTF-8" export writes one.
        content = await file.text();
      } catch (error) {
        if (request === latestPreview) set({ importBusy: 'idle', importError: `${file.name} could not be read: ${messageOf(error)}` });
        return;
      }
      if (request !== latestPreview) return;
      set({ importFile: { name: file.name, content } });
      await get().loadImportPreview();
    },

    setImportFullSync(fullSync) {
      set({ importFullSync: fullSync });
      void get().loadImportPreview();
    },

    async loadImportPreview() {
      const input = importInput();
      if (!input) return;
      const request = ++latestPreview;
      set({ importBusy: 'previewing', importError: null });
      try {
        const preview = await getApi().previewImport(input);
        if (request === latestPreview) set({ importPreview: preview, importBusy: 'idle' });
      } catch (error) {
        if (request === latestPreview) set({ importPreview: null, importBusy: 'idle', importError: messageOf(error) });
      }
    },

    async queueImport() {
      const input = importInput();
      const preview = get().importPreview;
      if (!input || !preview || importChangeCount(preview) === 0 || get().importBusy !== 'idle') return;
      latestPreview += 1;
      set({ importBusy: 'queuing', importError: null });
      try {
        // skipProblems only when the user saw the bad rows: the button then said it would skip them.
        const result = await getApi().applyImport({ ...input, skipProblems: preview.problemCount > 0 });
        const queued = result.queued + result.merged;
        const notice = [`Queued ${plural(queued, 'change', 'changes')} from ${input.fileName}`];
        if (result.cancelled > 0) notice.push(`${result.cancelled} needed no change`);
        if (result.skippedRows > 0) notice.push(`${plural(result.skippedRows, 'bad row', 'bad rows')} left out`);
        get().closeImport();
        set({ rosterNotice: notice.join('; ') });
      } catch (error) {
        // The cache may have changed since the preview (a sync landed): show the refusal over what the file does now.
        set({ importBusy: 'idle' });
        await get().loadImportPreview();
        set({ importError: messageOf(error) });
      } finally {
        await Promise.all([get().refreshPending(), get().loadRealms(), get().refreshRoster()]);
      }
    },
  };
};

export const selectImportRealmId = (s: RosterStore) => s.importRealmId;
