// JETT_HOME: the one folder, where each platform keeps per-user config.
import { describe, expect, it } from 'vitest';
import { jettHome, jettPaths } from '../../../main/core/config/paths.js';

describe('jettHome', () => {
  it('honours JETT_HOME first', () => {
    expect(jettHome({ JETT_HOME: '/tmp/jh', HOME: '/home/u' }, 'linux')).toBe('/tmp/jh');
  });
  it('uses the platform config folder otherwise', () => {
    expect(jettHome({ HOME: '/home/u' }, 'linux')).toBe('/home/u/.config/Jett');
    expect(jettHome({ HOME: '/home/u', XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/Jett');
    expect(jettHome({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32')).toBe('C:\\Users\\u\\AppData\\Roaming\\Jett');
  });
  it('keeps config, secrets, database, socket and logs inside it', () => {
    const p = jettPaths('/tmp/jh', 'linux');
    for (const f of [p.config, p.secrets, p.database, p.controlSocket, p.logs]) expect(f.startsWith('/tmp/jh/')).toBe(true);
    expect(jettPaths('C:\\J', 'win32').controlSocket).toMatch(/^\\\\\.\\pipe\\jett-/);
  });
});
