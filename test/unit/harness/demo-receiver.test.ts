// The demo's n8n stand-in answers like the n8n workflows: a wrong token refused, a refused body a 400 naming the field.
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../../main/harness/demo/receiver.js';

let receiver: Receiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

describe('the demo\'s n8n stand-in', () => {
  it('refuses a wrong token and answers a body it cannot record with 400 and the field, before any SQL', async () => {
    const port = 20000 + Math.floor(Math.random() * 40000);
    // No database behind it: a refused request never reaches one, and the detector does not run within the test.
    receiver = await startReceiver({ host: '127.0.0.1', port, token: 'tok-123456789', db: { host: '127.0.0.1', port: 1, user: 'x', password: 'y', database: 'z' }, detectorEveryMs: 3_600_000, report: () => undefined });
    const post = async (body: string, auth = 'Bearer tok-123456789') => {
      const r = await fetch(`http://127.0.0.1:${port}/webhook/heartbeat`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body });
      return { status: r.status, json: (await r.json()) as unknown };
    };
    expect((await post('{}', 'Bearer wrong')).status).toBe(403);
    expect(await post('{"x":1}')).toEqual({ status: 400, json: { error: expect.stringMatching(/^client_id: /), field: 'client_id' } });
    expect(await post('not json')).toEqual({ status: 400, json: { error: 'the body is not JSON' } });
  });
});
