// The total-queue check, in the style of Jepsen's: after faults and a full drain, compare what each client appended
// with what the server holds, and count lost, duplicated, reordered and stuck events.

export interface ClientRecord {
  clientId: string;
  /** Event numbers whose append returned (the child said so before it died). */
  acked: Set<number>;
  /** Every row of the client's local outbox: what it appended, durably. */
  local: { seq: number; n: number; state: string }[];
}

export interface ServerEvent {
  clientId: string;
  seq: number;
  n: number;
}

export interface QueueCheck {
  lost: number;
  duplicated: number;
  reordered: number;
  stuck: number;
}

export function checkQueue(clients: ClientRecord[], server: ServerEvent[]): QueueCheck {
  const out: QueueCheck = { lost: 0, duplicated: 0, reordered: 0, stuck: 0 };
  const byClient = new Map<string, ServerEvent[]>();
  for (const e of server) {
    const list = byClient.get(e.clientId) ?? [];
    list.push(e);
    byClient.set(e.clientId, list);
  }
  const seen = new Map<number, number>();
  for (const e of server) seen.set(e.n, (seen.get(e.n) ?? 0) + 1);
  for (const count of seen.values()) if (count > 1) out.duplicated += count - 1;

  for (const c of clients) {
    // Appended = acknowledged by the child, or durable in its outbox (a kill may land between the two).
    const appended = new Set<number>([...c.acked, ...c.local.map((r) => r.n)]);
    for (const n of appended) if (!seen.has(n)) out.lost++;
    out.stuck += c.local.filter((r) => r.state !== 'sent').length;
    // Event numbers grow in append order, so in seq order on the server they must grow too.
    const events = (byClient.get(c.clientId) ?? []).slice().sort((a, b) => a.seq - b.seq);
    for (let i = 1; i < events.length; i++) if (events[i]!.n < events[i - 1]!.n) out.reordered++;
  }
  return out;
}
