import type { ExportFile } from '../../../shared/api';

/** The file's bytes: a zip travels as base64 (the API carries text only), a CSV as the text itself. */
function bodyOf(file: ExportFile): BlobPart {
  if (file.encoding !== 'base64') return file.content;
  const binary = atob(file.content);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Hands a file to the browser as a download with its suggested name. In Electron the same anchor download opens the
 * native save dialog, so neither host needs a file-system API in the renderer.
 */
export function saveFile(file: ExportFile): void {
  const url = URL.createObjectURL(new Blob([bodyOf(file)], { type: file.mimeType }));
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
