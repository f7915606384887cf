// Config file behaviour a user relies on: defaults, set/get, and bad files reported with file, key and fix, never replaced.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigStore, DEFAULT_CONFIG } from '../../../main/core/config/store.js';
import { ConfigError } from '../../../main/core/errors.js';
import { tempDir } from '../../helpers/tmp.js';

const storeIn = () => new ConfigStore(path.join(tempDir(), 'config.json'));

describe('config defaults', () => {
  it('follow the reference layout', () => {
    expect(DEFAULT_CONFIG.tunnel).toMatchObject({ interface: 'jett0', address: '10.0.0.1/24', peerAddress: '10.0.0.2', listenPort: 51820, keepalive: 25 });
    expect(DEFAULT_CONFIG.postgres).toMatchObject({ host: '10.0.0.2', port: 5432, database: 'jett' });
    expect(DEFAULT_CONFIG.heartbeat).toEqual({ url: 'http://10.0.0.2:5678/webhook/heartbeat', intervalS: 60 });
    expect(DEFAULT_CONFIG.ollama.host).toBe('http://127.0.0.1:11434');
    expect(DEFAULT_CONFIG.voice.silenceMs).toBe(300);
  });

  it('apply when there is no file, and nothing is written', () => {
    const store = storeIn();
    expect(store.load()).toEqual(DEFAULT_CONFIG);
    expect(fs.existsSync(store.file)).toBe(false);
  });
});

describe('config set', () => {
  it('stores typed values by dotted key and keeps the rest at their defaults', () => {
    const store = storeIn();
    store.set('tunnel.keepalive', '30');
    store.set('voice.inputDevice', 'hw:1,0');
    const loaded = store.load();
    expect(loaded.tunnel.keepalive).toBe(30);
    expect(loaded.voice.inputDevice).toBe('hw:1,0');
    expect(loaded.tunnel.interface).toBe('jett0');
    expect(JSON.parse(fs.readFileSync(store.file, 'utf8'))).toEqual({ tunnel: { keepalive: 30 }, voice: { inputDevice: 'hw:1,0' } });
  });

  it('refuses an out-of-range value, names the key, and leaves the file unchanged', () => {
    const store = storeIn();
    store.set('tunnel.keepalive', '25');
    const before = fs.readFileSync(store.file, 'utf8');
    expect(() => store.set('tunnel.keepalive', '70000')).toThrow(/tunnel\.keepalive/);
    expect(() => store.set('tunnel.keepalive', 'soon')).toThrow(ConfigError);
    expect(fs.readFileSync(store.file, 'utf8')).toBe(before);
  });

  it('refuses an unknown key with a pointer to the list', () => {
    const err = captureError(() => storeIn().set('tunnel.mtu', '1420'));
    expect(err.message).toContain('tunnel.mtu');
    expect(err.fix).toContain('jett config list');
  });

  it('repairs a file whose one bad key it sets', () => {
    const store = storeIn();
    fs.writeFileSync(store.file, JSON.stringify({ tunnel: { keepalive: -1 } }));
    expect(() => store.load()).toThrow(/tunnel\.keepalive/);
    store.set('tunnel.keepalive', '25');
    expect(store.load().tunnel.keepalive).toBe(25);
  });
});

describe('a bad config file', () => {
  it('that is not JSON names the file and is left as it was', () => {
    const store = storeIn();
    fs.writeFileSync(store.file, '{"tunnel": {');
    const err = captureError(() => store.load());
    expect(err.message).toContain(store.file);
    expect(err.fix).toMatch(/correct the JSON|move the file/);
    expect(() => store.set('voice.silenceMs', '400')).toThrow(ConfigError);
    expect(fs.readFileSync(store.file, 'utf8')).toBe('{"tunnel": {');
  });

  it('with a wrong type names the key and the fix', () => {
    const store = storeIn();
    fs.writeFileSync(store.file, JSON.stringify({ voice: { silenceMs: 'short' } }));
    const err = captureError(() => store.load());
    expect(err.message).toContain(store.file);
    expect(err.message).toContain('voice.silenceMs');
    expect(err.fix).toContain('jett config set voice.silenceMs 300');
  });

  it('with an unknown key reports the key instead of dropping it', () => {
    const store = storeIn();
    fs.writeFileSync(store.file, JSON.stringify({ tunnel: { keepAlive: 25 } }));
    expect(() => store.load()).toThrow(/unknown key tunnel\.keepAlive/);
    fs.writeFileSync(store.file, JSON.stringify({ vpn: {} }));
    expect(() => store.load()).toThrow(/unknown key vpn/);
  });

  it('of any shape never crashes the loader: it loads or gives a ConfigError', () => {
    const store = storeIn();
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        fs.writeFileSync(store.file, text);
        try {
          store.load();
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect((err as ConfigError).message).toContain(store.file);
        }
      }),
      { numRuns: 300 },
    );
  });
});

function captureError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}
