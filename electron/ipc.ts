/**
 * The Electron transport of RosterApi, main-process side: one ipcMain.handle per method. Each call checks who
 * sent it, then goes through the same dispatch as the browser bridge (validate input → handler → validate
 * output → envelope), so the renderer sees identical behaviour over either transport.
 */
import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { type ApiEnvelope, ROSTER_API_METHODS, channelOf } from '../shared/api';
import type { RosterApiHandlers } from './api-handlers';
import { dispatch } from './api-dispatch';

/** The part of ipcMain this module uses; tests pass a fake. */
export type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler'>;

/** Decides whether a frame may call the API; main.ts passes a check bound to the app's own URL. */
export type SenderCheck = (frame: WebFrameMain | null) => boolean;

export const UNTRUSTED_SENDER: ApiEnvelope = {
  ok: false,
  error: { code: 'untrusted_sender', message: 'This page is not part of Roster Desk and may not use its data.' },
};

/**
 * Registers every RosterApi method on its channel and returns a function that removes them again (on quit,
 * and so a test or a re-created shell can register afresh: ipcMain.handle throws on a second registration).
 */
export function registerIpcHandlers(ipcMain: IpcMainLike, handlers: RosterApiHandlers, isTrustedSender: SenderCheck): () => void {
  for (const method of ROSTER_API_METHODS) {
    ipcMain.handle(channelOf(method), (event: IpcMainInvokeEvent, input: unknown) => handleCall(event, method, input));
  }

  async function handleCall(event: IpcMainInvokeEvent, method: string, input: unknown): Promise<ApiEnvelope> {
    // senderFrame is null when the frame has navigated away or been destroyed since it sent the message: its
    // origin can no longer be established, so it is refused like any other stranger.
    if (!checkSender(isTrustedSender, event.senderFrame)) {
      console.warn(`RosterApi ${method}: refused a call from an untrusted frame (${describeFrame(event.senderFrame)})`);
      return UNTRUSTED_SENDER;
    }
    return dispatch(handlers, method, input);
  }

  return () => {
    for (const method of ROSTER_API_METHODS) ipcMain.removeHandler(channelOf(method));
  };
}

/** A check that throws (e.g. on a frame disposed mid-call) refuses the call rather than failing it open. */
function checkSender(isTrustedSender: SenderCheck, frame: WebFrameMain | null): boolean {
  try {
    return isTrustedSender(frame) === true;
  } catch {
    return false;
  }
}

function describeFrame(frame: WebFrameMain | null): string {
  if (!frame) return 'frame gone';
  try {
    // Only the origin: the full URL of a hostile page may carry tokens we should not copy into logs.
    return new URL(frame.url).origin;
  } catch {
    return 'unparseable URL';
  }
}
