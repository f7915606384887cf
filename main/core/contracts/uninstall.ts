// What `jett uninstall` (and the window's "Remove Jett from this computer") did: its --json shape and IPC reply.
import { z } from 'zod';

/** Something still on this computer after the run, and how to remove it. */
export const UninstallLeftSchema = z.strictObject({ what: z.string(), fix: z.string() });
export type UninstallLeft = z.infer<typeof UninstallLeftSchema>;

export const UninstallResultSchema = z.strictObject({
  /** JETT_HOME (config, database, logs, models). */
  home: z.string(),
  /** Each thing removed, in words (a path, a service, "keyring entry NAME"). */
  removed: z.array(z.string()),
  /** Empty when nothing of Jett's is left (apart from JETT_HOME when the user kept it). */
  left: z.array(UninstallLeftSchema),
  dataKept: z.boolean(),
});
export type UninstallResult = z.infer<typeof UninstallResultSchema>;
