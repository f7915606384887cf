// releaseMemory between a drain's batches: the Buffers a push leaves behind (node-postgres writes each 2 MiB batch
// into new ones) are freed by the call itself, not when V8's external-memory limit is reached, the delay that kept a
// backlog drain's RSS 70-90 MiB above its start.
import { describe, expect, it } from 'vitest';
import { releaseMemory } from '../../../main/core/sync/release-memory.js';

const arrayBuffersMb = () => process.memoryUsage().arrayBuffers / 2 ** 20;

describe('releaseMemory', () => {
  it('frees the buffers of batches already pushed', async () => {
    releaseMemory();
    const before = arrayBuffersMb();
    // What ten pushed batches leave: 40 MiB of Buffers, filled as node-postgres fills them, no longer referenced.
    let written: Buffer[] = [];
    for (let i = 0; i < 20; i++) written.push(Buffer.allocUnsafe(2 * 2 ** 20).fill(i));
    expect(arrayBuffersMb() - before).toBeGreaterThan(39);
    written = [];
    expect(written).toHaveLength(0);
    expect(releaseMemory()).toBe(true);
    // V8 sweeps freed backing stores on a background thread: a moment after the collection, not within it.
    for (let i = 0; i < 50 && arrayBuffersMb() - before >= 4; i++) await new Promise((r) => setTimeout(r, 20));
    expect(arrayBuffersMb() - before).toBeLessThan(4);
  });
});
