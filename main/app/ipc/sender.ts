// Who may talk to main: the top frame of one of our own windows, showing a page of the app's own origin.
import { isAppUrl } from '../security/web-policies.js';

export interface SenderFrame {
  url: string;
  parent: SenderFrame | null;
}

export interface IpcSenderEvent {
  sender: { id: number; mainFrame: SenderFrame };
  senderFrame: SenderFrame | null;
}

/** Null when the sender may call; otherwise why not (for the error and the log). */
export function createSenderCheck(trustedWebContents: ReadonlySet<number>) {
  return (event: IpcSenderEvent): string | null => {
    if (!trustedWebContents.has(event.sender.id)) return 'the message did not come from a Jett window';
    const frame = event.senderFrame;
    // A frame that navigated away or was destroyed has no senderFrame: nothing can be said for it.
    if (!frame) return 'the sending frame is gone';
    if (frame !== event.sender.mainFrame || frame.parent !== null) return 'the message came from a sub-frame';
    if (!isAppUrl(frame.url)) return 'the sending page is not part of the app';
    return null;
  };
}
