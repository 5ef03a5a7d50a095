/**
 * Exporting rosters: which realms (and optionally which rows) the export dialog is for, its choices (format, Excel
 * mode, pending edits, scope), the preview of the first rows, and the file the download is made from. The main
 * process writes the file; the renderer only shows a preview and hands the file to the browser (or Electron's save
 * dialog) through a download link.
 */
import type { StateCreator } from 'zustand';
import type { ExportFile, ExportFormatName, ExportInput, RowRef } from '../../shared/api';
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

/** selected: the rows picked; everyone: every row of the realms the dialog was opened for; all-cached: every realm. */
export type ExportScope = 'selected' | 'everyone' | 'all-cached';

export interface ExportSlice {
  exportDialog: ExportRequest | null;
  exportFormat: ExportFormatName;
  /** The "For Excel" choice; only the plain format honours it (the others refuse formula-like values instead). */
  exportExcel: boolean;
  exportIncludePending: boolean;
  exportScope: ExportScope;
  /** The first rows of the main CSV as the main process wrote them (its `rows` counts the whole export). */
  exportPreview: ExportFile | null;
  exportBusy: 'idle' | 'previewing' | 'downloading';
  exportError: string | null;
  /** "Exported 120 rows to algebra-i-p3-roster.csv", shown once the dialog has closed. */
  exportNotice: string | null;
  openExport(realmIds: string[], title: string, only?: RowRef[]): void;
  closeExport(): void;
  setExportFormat(format: ExportFormatName): void;
  setExportExcel(excel: boolean): void;
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
  function exportInput(): ExportInput | null {
    const { exportDialog: request, exportScope: scope, exportFormat: format } = get();
    if (!request) return null;
    const realmIds = scope === 'all-cached' ? get().realms.map((realm) => realm.id) : request.realmIds;
    const only = request.only && request.only.length > 0 && scope === 'selected' ? request.only : undefined;
    return { realmIds, includePending: get().exportIncludePending, only, format, excel: format === 'plain' && get().exportExcel };
  }

  /** A choice changed: what the dialog shows must be the new choices' preview (or their refusal). */
  function choose(change: Partial<Pick<ExportSlice, 'exportFormat' | 'exportExcel' | 'exportIncludePending' | 'exportScope'>>): void {
    set(change);
    void get().loadExportPreview();
  }

  return {
    exportDialog: null,
    exportFormat: 'plain',
    exportExcel: false,
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
        exportFormat: 'plain',
        exportExcel: false,
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
    setExportFormat(format) {
      choose({ exportFormat: format });
    },
    setExportExcel(excel) {
      choose({ exportExcel: excel });
    },
    setExportIncludePending(includePending) {
      choose({ exportIncludePending: includePending });
    },
    setExportScope(scope) {
      choose({ exportScope: scope });
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
        // A refusal (a value the format cannot carry, naming its row) replaces the preview until the choices change.
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
