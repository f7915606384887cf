// The heartbeat body the desktop POSTs to the VPS webhook; the receiver stores it with its own received_at.
import { z } from 'zod';
import { TunnelStateSchema, VoiceStateSchema } from './status.js';

export const HeartbeatBodySchema = z.object({
  client_id: z.uuid(),
  device: z.string().min(1).max(255),
  app_version: z.string().max(64),
  interval_s: z.number().int().positive(),
  sent_at: z.string(),
  tunnel: z.object({
    state: TunnelStateSchema,
    handshake_age_s: z.number().nullable(),
    rx_bytes: z.number().nullable(),
    tx_bytes: z.number().nullable(),
  }),
  outbox: z.object({
    pending: z.number().int(),
    oldest_pending_age_s: z.number().nullable(),
    dead: z.number().int(),
  }),
  voice: z.object({ state: VoiceStateSchema }),
});
export type HeartbeatBody = z.infer<typeof HeartbeatBodySchema>;
