// Desktop notifications on health changes only: tunnel lost, tunnel recovered, backlog flushed after an offline
// spell. Fed every status snapshot; says something only when the state changes, never on every poll.
import type { StatusSnapshot } from '../core/contracts/status.js';

export interface Notice {
  title: string;
  body: string;
}

const isUp = (s: StatusSnapshot['tunnel']['state']) => s === 'up' || s === 'degraded';

export class HealthNotifier {
  private last: StatusSnapshot | null = null;
  /** Set from a loss of the tunnel until what waited then has been sent: the most that waited meanwhile. */
  private offline: { maxBacklog: number } | null = null;

  /** The notices this snapshot calls for (usually none). */
  next(status: StatusSnapshot): Notice[] {
    const prev = this.last;
    this.last = status;
    const notices: Notice[] = [];
    const pending = status.outbox.pending;
    if (prev && isUp(prev.tunnel.state) && status.tunnel.state === 'lost') {
      notices.push({ title: 'Jett: tunnel lost', body: `${status.tunnel.reason}. Jett keeps working offline and sends what waits once the VPS answers.` });
      this.offline = { maxBacklog: pending };
    } else if (prev && prev.tunnel.state === 'lost' && isUp(status.tunnel.state)) {
      notices.push({ title: 'Jett: tunnel recovered', body: pending > 0 ? `The VPS answers again; sending ${pending} waiting items.` : 'The VPS answers again.' });
    }
    if (this.offline) {
      this.offline.maxBacklog = Math.max(this.offline.maxBacklog, pending);
      if (isUp(status.tunnel.state) && pending === 0) {
        // "Sent" is news only when the offline spell left something waiting.
        if (this.offline.maxBacklog > 0) {
          notices.push({ title: 'Jett: backlog sent', body: `All ${this.offline.maxBacklog} items recorded while the VPS was unreachable have reached it.` });
        }
        this.offline = null;
      }
    }
    return notices;
  }
}
