// The tunnel's --json shapes: `jett keys show|generate`, `jett tunnel peer|import|status|watch|install`, `bench:tunnel`.
import { z } from 'zod';
import { ImportedConfViewSchema } from './ipc.js';
import { TunnelSnapshotSchema, TunnelStateSchema } from './status.js';

const wgKey = z.string().regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/);

export const KeysShowSchema = z.object({
  publicKey: wgKey,
  fingerprint: z.string().regex(/^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/),
  presharedKey: z.boolean(),
});
export type KeysShow = z.infer<typeof KeysShowSchema>;

export const TunnelPeerResultSchema = z.object({
  peerPublicKey: wgKey,
  peerFingerprint: z.string(),
  endpoint: z.string(),
  warnings: z.array(z.string()),
});
export type TunnelPeerResult = z.infer<typeof TunnelPeerResultSchema>;

/** `jett tunnel import FILE --json`: the same public fields the Tunnel tab's import shows. */
export const TunnelImportResultSchema = ImportedConfViewSchema;
export type TunnelImportResult = z.infer<typeof TunnelImportResultSchema>;

/** The monitor's snapshot, named by interface and peer. */
export const TunnelStatusSchema = TunnelSnapshotSchema.extend({
  interface: z.string(),
  peerPublicKey: z.string().nullable(),
});
export type TunnelStatus = z.infer<typeof TunnelStatusSchema>;

/** One line of `jett tunnel watch --json`: a transition, or the periodic status. */
export const TunnelWatchLineSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('state'), from: TunnelStateSchema, to: TunnelStateSchema, reason: z.string(), at: z.string() }),
  z.object({ type: z.literal('status'), status: TunnelStatusSchema }),
]);
export type TunnelWatchLine = z.infer<typeof TunnelWatchLineSchema>;

export const TunnelInstallResultSchema = z.object({
  platform: z.enum(['linux', 'win32']),
  installed: z.boolean(),
  files: z.array(z.object({ path: z.string(), mode: z.string() })),
  commands: z.array(z.array(z.string())),
});
export type TunnelInstallResult = z.infer<typeof TunnelInstallResultSchema>;

