import type { ExportFile } from '../../../shared/api';

/**
 * Hands a file to the browser as a download with its suggested name. In Electron the same anchor download opens the
 * native save dialog, so neither host needs a file-system API in the renderer.
 */
export function saveFile(file: ExportFile): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: file.mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // The click has already handed the blob to the download; the URL is no longer needed.
    URL.revokeObjectURL(url);
  }
}
