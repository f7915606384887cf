// The one openExternal wrapper: n8n and Portainer on the VPS tunnel address, only while the tunnel is up; and no
// other openExternal call anywhere in the shell.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createOpenExternal } from '../../../main/app/security/open-external.js';

function wrapper(up: boolean, peerAddress = '10.0.0.2') {
  const open = vi.fn(async (_url: string) => {});
  return { open, go: createOpenExternal({ open, tunnel: async () => ({ peerAddress, up }) }) };
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('createOpenExternal', () => {
  it('opens n8n and Portainer at the tunnel address while the tunnel is up', async () => {
    const { open, go } = wrapper(true);
    expect(await go('n8n')).toEqual({ opened: true, reason: null });
    expect(await go('portainer')).toEqual({ opened: true, reason: null });
    expect(open.mock.calls).toEqual([['http://10.0.0.2:5678/'], ['http://10.0.0.2:9000/']]);
  });

  it('refuses while the tunnel is down', async () => {
    const { open, go } = wrapper(false);
    expect(await go('n8n')).toEqual({ opened: false, reason: 'n8n is reachable only through the tunnel, which is not up' });
    expect(open).not.toHaveBeenCalled();
  });

  it.each(['evil.example/x?', '10.0.0.2/../', 'user@evil.example', '10.0.0.2:1234'])('refuses a tunnel address that is not a plain host: %s', async (addr) => {
    const { open, go } = wrapper(true, addr);
    expect((await go('n8n')).opened).toBe(false);
    expect(open).not.toHaveBeenCalled();
  });

  it('refuses targets outside the allowlist', async () => {
    const { open, go } = wrapper(true);
    expect((await go('https://evil.example/' as 'n8n')).opened).toBe(false);
    expect(open).not.toHaveBeenCalled();
  });

  it('is the only way out: one openExternal call in main/app, inside shell.ts, feeding this wrapper', () => {
    const hits = sources('main/app').flatMap((f) => (fs.readFileSync(f, 'utf8').match(/\.openExternal\(/g) ?? []).map(() => f));
    expect(hits).toEqual([path.join('main/app', 'shell.ts')]);
    expect(fs.readFileSync('main/app/shell.ts', 'utf8')).toMatch(/createOpenExternal\(\{\s*\n(.*\n){0,3}\s*open: \(url\) => electronShell\.openExternal\(url\)/);
  });
});
