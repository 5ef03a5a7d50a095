/**
 * Exporting rosters as CSV: which realms (and optionally which rows) the export dialog is for, its choices, the
 * preview of the first rows, and the file the download is made from. The main process writes the CSV; the renderer
 * only shows a preview and hands the file to the browser (or Electron's save dialog) through a download link.
 */
import type { StateCreator } from 'zustand';
import type { ExportFile, RowRef } from '../../shared/api';
import { getApi } from '../api';
import type { RosterStore } from './index';
import { messageOf } from './error-message';

export const EXPORT_PREVIEW_ROWS = 5;

export interface ExportRequest {
  realmIds: string[];
  /** Selected rows the dialog offers to export instead of everyone; absent when nothing was selected. */
  only?: RowRef[];
  /** The dialog's name: "Export roster" for one realm, "Export 3 rosters" for several. */
  title: string;
}

export type ExportScope = 'selected' | 'everyone';

export interface ExportSlice {
  exportDialog: ExportRequest | null;
  exportIncludePending: boolean;
  exportScope: ExportScope;
  /** The first rows of the CSV as the main process wrote them (its `rows` counts the whole export). */
  exportPreview: ExportFile | null;
  exportBusy: 'idle' | 'previewing' | 'downloading';
  exportError: string | null;
  /** "Exported 120 rows to algebra-i-p3-roster.csv", shown once the dialog has closed. */
  exportNotice: string | null;
  openExport(realmIds: string[], title: string, only?: RowRef[]): void;
  closeExport(): void;
  setExportIncludePending(includePending: boolean): void;
  setExportScope(scope: ExportScope): void;
  loadExportPreview(): Promise<void>;
  /** Fetches the whole file and hands it to `save`; then closes the dialog and says what was exported. */
  downloadExport(save: (file: ExportFile) => void): Promise<void>;
  dismissExportNotice(): void;
}

/** Only the newest preview may reach the screen when the choices change faster than the main process answers. */
let latestPreview = 0;

export const createExportSlice: StateCreator<RosterStore, [], [], ExportSlice> = (set, get) => {
  function exportInput() {
    const request = get().exportDialog;
    if (!request) return null;
    const only = request.only && request.only.length > 0 && get().exportScope === 'selected' ? request.only : undefined;
    return { realmIds: request.realmIds, includePending: get().exportIncludePending, only };
  }

  return {
    exportDialog: null,
    exportIncludePending: true,
    exportScope: 'everyone',
    exportPreview: null,
    exportBusy: 'idle',
    exportError: null,
    exportNotice: null,

    openExport(realmIds, title, only) {
      const hasSelection = only !== undefined && only.length > 0;
      set({
        exportDialog: { realmIds, title, only: hasSelection ? only : undefined },
        exportIncludePending: true,
        exportScope: hasSelection ? 'selected' : 'everyone',
        exportPreview: null,
        exportError: null,
        exportNotice: null,
      });
      void get().loadExportPreview();
    },
    closeExport() {
      latestPreview += 1;
      set({ exportDialog: null, exportPreview: null, exportBusy: 'idle', exportError: null });
    },
    setExportIncludePending(includePending) {
      set({ exportIncludePending: includePending });
      void get().loadExportPreview();
    },
    setExportScope(scope) {
      set({ exportScope: scope });
      void get().loadExportPreview();
    },

    async loadExportPreview() {
      const input = exportInput();
      if (!input) return;
      const request = ++latestPreview;
      set({ exportBusy: 'previewing', exportError: null });
      try {
        const preview = await getApi().exportRoster({ ...input, previewRows: EXPORT_PREVIEW_ROWS });
        if (request === latestPreview) set({ exportPreview: preview, exportBusy: 'idle' });
      } catch (error) {
        if (request === latestPreview) set({ exportPreview: null, exportBusy: 'idle', exportError: messageOf(error) });
      }
    },

    async downloadExport(save) {
      const input = exportInput();
      if (!input) return;
      latestPreview += 1;
      set({ exportBusy: 'downloading', exportError: null });
      let file: ExportFile;
      try {
        file = await getApi().exportRoster(input);
        save(file);
      } catch (error) {
        set({ exportBusy: 'idle', exportError: messageOf(error) });
        return;
      }
      get().closeExport();
      set({ exportNotice: `Exported ${file.rows} ${file.rows === 1 ? 'row' : 'rows'} to ${file.fileName}` });
    },

    dismissExportNotice() {
      set({ exportNotice: null });
    },
  };
};

export const selectExportDialog = (s: RosterStore) => s.exportDialog;
export const selectExportNotice = (s: RosterStore) => s.exportNotice;
