// The bundle's qdrant-setup.sh run for real (bash, curl) against the Qdrant stand-in on loopback: it creates the
// memory collection with the embedding size and cosine, leaves an existing one alone, refuses one of another size,
// names a refused key without printing it, and hands the key to curl on stdin, never in its arguments.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { startQdrantStandIn, type QdrantStandIn } from '../../../main/harness/qdrant/server.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { makeBundle, type MadeBundle } from './make-bundle.js';

describeWith([binary('bash'), binary('curl')], "the bundle's qdrant-setup.sh against the Qdrant stand-in", () => {
  let bundle: MadeBundle;
  let key: string;
  let q: QdrantStandIn | null = null;
  beforeAll(async () => {
    bundle = await makeBundle();
    key = /^QDRANT__SERVICE__API_KEY=(.+)$/m.exec(fs.readFileSync(path.join(bundle.dir, 'env/qdrant.env'), 'utf8'))![1]!;
  });
  afterEach(async () => {
    await q?.close();
    q = null;
  });
  const run = () =>
    execa(resolveBinary('bash')!, [path.join(bundle.dir, 'qdrant-setup.sh')], { reject: false, env: { PATH: '/usr/bin:/bin', QDRANT_URL: q!.url }, extendEnv: false });

  it('creates the collection with 384 dimensions and cosine, then leaves it alone', async () => {
    q = await startQdrantStandIn({ apiKey: key });
    const first = await run();
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain('created collection jett_memory (384 dimensions, cosine)');
    expect(q.collections.get('jett_memory')).toMatchObject({ size: 384, distance: 'Cosine' });
    const second = await run();
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain('collection jett_memory exists (384 dimensions, cosine)');
    expect(q.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /collections/jett_memory', 'PUT /collections/jett_memory', 'GET /collections/jett_memory']);
  });

  it('refuses a collection of another vector size, and a key the server does not know, with what to do', async () => {
    q = await startQdrantStandIn({ apiKey: key });
    q.collections.set('jett_memory', { size: 768, distance: 'Cosine', points: new Map() });
    const wrongSize = await run();
    expect(wrongSize.exitCode).toBe(1);
    expect(wrongSize.stderr).toContain('collection jett_memory exists with vectors of size 768, not 384');
    await q.close();
    q = await startQdrantStandIn({ apiKey: 'another-key' });
    const refused = await run();
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/Qdrant refused the API key of env\/qdrant.env \(401\)/);
    expect(refused.stderr + refused.stdout).not.toContain(key);
    expect(q.collections.size).toBe(0);
  });

  it('passes the key to curl on stdin, not in its arguments', () => {
    const script = fs.readFileSync(path.join(bundle.dir, 'qdrant-setup.sh'), 'utf8');
    expect(script).toMatch(/printf 'api-key: %s\\ncontent-type: application\/json\\n' "\$key" \|\n\s+curl [^\n]*--header @-/);
    expect(script).not.toMatch(/curl[^\n]*\$key/);
  });
});
