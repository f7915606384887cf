// A stream's frame port as main sees it (core's TransferredPort), for the stand-ins of the capture page: the page
// sends it with its 'frames' report, and the stream's frames arrive on it; a closed port delivers nothing more.
import type { TransferredPort } from '../../main/core/voice/page-capture.js';

export class FakeFramePort implements TransferredPort {
  private readonly listeners = new Set<(raw: unknown) => void>();
  closed = false;
  /** Whether anyone listened to it (a page stand-in closes a port no listener took, as main's host does). */
  taken = false;

  listen(listener: (raw: unknown) => void): () => void {
    this.taken = true;
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
  }

  send(msg: unknown): void {
    for (const l of [...this.listeners]) l(msg);
  }
}
