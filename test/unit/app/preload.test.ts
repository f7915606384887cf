// The preload API: one frozen, task-level object as window.jett; no ipcRenderer, no channel-taking method; each
// call goes to its contract channel; subscriptions hand over the payload only and return an unsubscribe.
import { beforeAll, describe, expect, it } from 'vitest';
import type { JettApi } from '../../../main/core/contracts/ipc.js';
import { INVOKE_CHANNELS } from '../../../main/core/contracts/ipc.js';
import { contextBridge, ipcRenderer } from '../../mocks/electron.js';

let api: JettApi;
beforeAll(async () => {
  await import('../../../preload/index.js');
  api = contextBridge.exposed.get('jett') as JettApi;
});

function methods(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === 'function' ? [`${prefix}${k}`] : methods(v as object, `${prefix}${k}.`)));
}

describe('preload', () => {
  it('exposes exactly one object, jett, deeply frozen', () => {
    expect([...contextBridge.exposed.keys()]).toEqual(['jett']);
    expect(Object.isFrozen(api)).toBe(true);
    for (const group of Object.values(api)) expect(Object.isFrozen(group)).toBe(true);
    expect(() => {
      (api.tunnel as { up: unknown }).up = () => 'hijacked';
    }).toThrow(TypeError);
  });

  it('offers task-level methods only: no ipcRenderer, no invoke or send that takes a channel', () => {
    const names = methods(api);
    expect(names).toEqual([
      'status.get', 'status.onChange',
      'settings.get', 'settings.save', 'settings.setSecret', 'settings.clearSecret',
      'tunnel.generateKeys', 'tunnel.importConf', 'tunnel.peerBlock', 'tunnel.copyPublicKey', 'tunnel.copyPeerBlock', 'tunnel.up', 'tunnel.down', 'tunnel.setup',
      'voice.toggle', 'voice.history', 'voice.deleteHistory', 'voice.choices', 'voice.microphones', 'voice.micTest', 'voice.micTestStop', 'voice.onMicLevel',
      'memory.list', 'memory.forget',
      'models.list', 'models.pull', 'models.onProgress',
      'links.open',
      'app.uninstall',
      'setup.get', 'setup.vpsBundle', 'setup.vpsPeer', 'setup.privileged', 'setup.auditLive',
    ]);
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/ipc|invoke|send/i);
  });

  it('sends each call to its contract channel with at most one argument', async () => {
    ipcRenderer.invoke.mockClear();
    await api.tunnel.up();
    await api.settings.save('voice', { silenceMs: 400 });
    await api.links.open('n8n');
    await api.voice.micTest('abc123');
    await api.voice.micTestStop();
    expect(ipcRenderer.invoke.mock.calls).toEqual([
      ['tunnel:up'],
      ['settings:save', { section: 'voice', values: { silenceMs: 400 } }],
      ['links:open', { target: 'n8n' }],
      ['voice:micTest', { deviceId: 'abc123' }],
      ['voice:micTestStop'],
    ]);
    for (const [channel] of ipcRenderer.invoke.mock.calls) expect(Object.keys(INVOKE_CHANNELS)).toContain(channel);
  });

  it('hands subscribers the payload only, and unsubscribes', () => {
    const seen: unknown[] = [];
    const off = api.status.onChange((s) => seen.push(s));
    ipcRenderer.emit('status:changed', { sender: ipcRenderer }, { snapshot: 'x' });
    off();
    ipcRenderer.emit('status:changed', { sender: ipcRenderer }, { snapshot: 'y' });
    expect(seen).toEqual([{ snapshot: 'x' }]);
    expect(ipcRenderer.listenerCount('status:changed')).toBe(0);
  });
});
