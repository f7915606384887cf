// `jett demo --ci --json`: the last line, what the whole round trip measured.
import { z } from 'zod';

export const DemoResultSchema = z.object({
  events_sent: z.number().int(),
  events_on_vps: z.number().int(),
  lost: z.number().int(),
  duplicated: z.number().int(),
  reordered: z.number().int(),
  heartbeat_s: z.number(),
  cut_s: z.number(),
  offline_detected_s: z.number().nullable(),
  resync_s: z.number().nullable(),
  inbox_delivered: z.number().int(),
  inbox_answered: z.number().int(),
  back_online: z.boolean(),
  /** What ran the VPS's automations: n8n itself, or the receiver that calls the same SQL when n8n is not installed. */
  n8n: z.enum(['real', 'stand-in']),
  /** IP packets (v4, v6; ARP and IPv6 link chatter aside) that left the desktop's underlay other than WireGuard's UDP to the endpoint: goal 0. */
  egress_other_packets: z.number().int(),
});
export type DemoResult = z.infer<typeof DemoResultSchema>;

/** The goals `jett demo` exits 1 without: nothing lost, duplicated or reordered, the request delivered and answered, no packet around the tunnel. */
export function demoMisses(r: DemoResult): string[] {
  const missed: string[] = [];
  if (r.lost) missed.push(`${r.lost} events lost`);
  if (r.duplicated) missed.push(`${r.duplicated} events duplicated`);
  if (r.reordered) missed.push(`${r.reordered} events out of order`);
  if (!r.inbox_delivered) missed.push('the queued request was not delivered');
  if (!r.inbox_answered) missed.push('the queued request was not answered');
  if (r.egress_other_packets) missed.push(`${r.egress_other_packets} packets left the desktop around the tunnel`);
  return missed;
}
