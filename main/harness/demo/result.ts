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
