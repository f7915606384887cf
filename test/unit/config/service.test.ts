// The config service: each change announced with exactly the sections it touched; edits of config.json on disk seen
// (also when an editor replaces the file by rename); an invalid edit reported and ignored, never applied halfway.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigService, type ConfigChange } from '../../../main/core/config/service.js';
import { ConfigStore } from '../../../main/core/config/store.js';
import type { ConfigError } from '../../../main/core/errors.js';
import { tempDir } from '../../helpers/tmp.js';

const services: ConfigService[] = [];
afterEach(() => {
  for (const s of services.splice(0)) s.close();
});

function open(initial: object = {}) {
  const file = path.join(tempDir(), 'config.json');
  fs.writeFileSync(file, JSON.stringify(initial));
  const service = new ConfigService(new ConfigStore(file), { debounceMs: 20 });
  services.push(service);
  const changes: ConfigChange[] = [];
  const invalid: ConfigError[] = [];
  service.onChange((c) => changes.push(c));
  service.onInvalid((e) => invalid.push(e));
  return { file, service, changes, invalid };
}

/** Resolves at the next announcement of either kind, or fails after a deadline (not a timing goal). */
function next(service: ConfigService): Promise<{ change?: ConfigChange; invalid?: ConfigError }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no config announcement within 10 s')), 10_000);
    const done = (v: { change?: ConfigChange; invalid?: ConfigError }) => {
      clearTimeout(timer);
      offChange();
      offInvalid();
      resolve(v);
    };
    const offChange = service.onChange((change) => done({ change }));
    const offInvalid = service.onInvalid((invalid) => done({ invalid }));
  });
}

/** What an editor does: write a temporary file beside it, then rename it over the original. */
function renameReplace(file: string, content: object | string): void {
  const tmp = `${file}.swp`;
  fs.writeFileSync(tmp, typeof content === 'string' ? content : JSON.stringify(content));
  fs.renameSync(tmp, file);
}

describe('ConfigService', () => {
  it('announces a change with the sections it touched, and nothing for a write that changes nothing', () => {
    const { service, changes } = open();
    const change = service.setValues({ 'heartbeat.url': 'http://10.0.0.2:5679/webhook/hb' });
    expect(change.sections).toEqual(['heartbeat']);
    expect(service.current().heartbeat.url).toBe('http://10.0.0.2:5679/webhook/hb');
    service.setValues({ 'tunnel.endpoint': 'vps.example.org:51820', 'postgres.port': 5433, 'voice.silenceMs': 400 });
    expect(changes.map((c) => c.sections)).toEqual([['heartbeat'], ['tunnel', 'postgres', 'voice']]);
    expect(changes[1]!.previous.postgres.port).toBe(5432);
    expect(changes[1]!.config.postgres.port).toBe(5433);
    service.setValues({ 'voice.silenceMs': 400 });
    expect(changes).toHaveLength(2);
  });

  it('counts a changed secret as a change of the section whose service reads it', () => {
    const { service } = open();
    expect(service.reload(['postgres.password']).sections).toEqual(['postgres']);
    expect(service.reload(['tunnel.privateKey', 'heartbeat.token']).sections).toEqual(['tunnel', 'heartbeat']);
    expect(service.reload(['n8n.apiKey']).sections).toEqual([]);
  });

  it('refuses a window save with one bad value and writes none of its values', () => {
    const { file, service, changes } = open();
    const before = fs.readFileSync(file, 'utf8');
    const err = (() => {
      try {
        service.setValues({ 'postgres.port': 5433, 'heartbeat.url': 'ftp://nowhere' });
      } catch (e) {
        return e as ConfigError;
      }
      return null;
    })();
    expect(err?.message).toMatch(/^settings not saved: heartbeat\.url: /);
    expect(err?.errorCode).toBe('invalid-params');
    expect(err?.issues.map((i) => i.path)).toEqual(['heartbeat.url']);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(service.current().postgres.port).toBe(5432);
    expect(changes).toEqual([]);
  });

  it('sees an edit of the file on disk, also one that replaces the file by rename', async () => {
    const { file, service } = open({ voice: { hotkey: 'Ctrl+Alt+J' } });
    service.watch();
    const first = next(service);
    renameReplace(file, { voice: { hotkey: 'Ctrl+Alt+K' } });
    expect((await first).change?.sections).toEqual(['voice']);
    expect(service.current().voice.hotkey).toBe('Ctrl+Alt+K');
    // The watch follows the folder, so the file that replaced the first one is watched too.
    const second = next(service);
    fs.writeFileSync(file, JSON.stringify({ voice: { hotkey: 'Ctrl+Alt+L' }, heartbeat: { intervalS: 30 } }));
    expect((await second).change?.sections).toEqual(['heartbeat', 'voice']);
  });

  it('reports an edit that is not valid JSON and keeps the running config whole', async () => {
    const { file, service, changes } = open({ heartbeat: { intervalS: 30 } });
    service.watch();
    const got = next(service);
    renameReplace(file, '{"heartbeat": {"intervalS": 45');
    const { invalid } = await got;
    expect(invalid?.message).toMatch(/not valid JSON/);
    expect(invalid?.fix).toMatch(/keeps the settings it runs with/);
    expect(service.current().heartbeat.intervalS).toBe(30);
    expect(changes).toEqual([]);
  });

  it('ignores an edit with one bad value entirely: the good values in it are not applied either', async () => {
    const { file, service, changes, invalid } = open({ heartbeat: { intervalS: 30 }, postgres: { port: 5432 } });
    service.watch();
    const bad = next(service);
    renameReplace(file, { heartbeat: { intervalS: 45 }, postgres: { port: 70000 } });
    expect((await bad).invalid?.message).toMatch(/postgres\.port/);
    expect(service.current().heartbeat.intervalS).toBe(30);
    expect(service.current().postgres.port).toBe(5432);
    // Corrected, the same edit applies as a whole.
    const good = next(service);
    renameReplace(file, { heartbeat: { intervalS: 45 }, postgres: { port: 5433 } });
    expect((await good).change?.sections).toEqual(['postgres', 'heartbeat']);
    expect(changes).toHaveLength(1);
    expect(invalid).toHaveLength(1);
  });
});
