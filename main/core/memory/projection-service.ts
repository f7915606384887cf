// The agent's memory projection: runs the Qdrant projector while the secret qdrant.apiKey is set, drains after each
// outbox append (once its transaction committed) and at tunnel-up; without the key it does nothing and says why.
import type { Config } from '../contracts/config.js';
import type { LocalDb } from '../db/local-db.js';
import type { Logger } from '../log/logger.js';
import type { Outbox } from '../outbox/store.js';
import type { SecretStore } from '../secrets/store.js';
import type { VpsGuard } from '../tunnel/vps-guard.js';
import { MemoryProjector, QDRANT_KEY_NEXT } from './projector.js';

export interface ProjectionServiceDeps {
  local: LocalDb;
  outbox: Outbox;
  settings: Config['qdrant'];
  secrets: SecretStore;
  guard: VpsGuard;
  logger: Logger;
}

export function memoryProjectionService(d: ProjectionServiceDeps) {
  let projector: MemoryProjector | null = null;
  let unsubscribe: (() => void) | null = null;
  return {
    name: 'memory-projection',
    async start(): Promise<void> {
      if (!(await d.secrets.get('qdrant.apiKey'))) {
        d.logger.info('memory is not shared with the VPS Qdrant: no secret qdrant.apiKey', { next: QDRANT_KEY_NEXT });
        return;
      }
      const p = new MemoryProjector({
        db: d.local.db,
        clientId: d.local.clientId,
        url: d.settings.url,
        collection: d.settings.collection,
        apiKey: () => d.secrets.get('qdrant.apiKey'),
        guard: d.guard,
        log: d.logger,
      });
      projector = p;
      // An append inside a caller's transaction is read after it commits, never before (it could still roll back).
      unsubscribe = d.outbox.onAppend(() => setImmediate(() => p.poke()));
      p.start();
    },
    async stop(): Promise<void> {
      unsubscribe?.();
      unsubscribe = null;
      await projector?.stop();
      projector = null;
    },
    onTunnelUp(): void {
      projector?.onTunnelUp();
    },
  };
}
