// JETT_HOME: the one folder, where each platform keeps per-user config.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { controlPipeName, jettHome, jettPaths } from '../../../main/core/config/paths.js';

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

describe('the Windows control pipe name', () => {
  const home = (user: string, drive = 'C:') => path.win32.join(`${drive}\\Users`, user, 'AppData', 'Roaming', 'Jett');

  it('differs between two users whose homes end the same (the old name used the path\'s last bytes)', () => {
    const alice = jettPaths(home('alice'), 'win32', 'alice').controlSocket;
    const bob = jettPaths(home('bob'), 'win32', 'bob').controlSocket;
    expect(home('alice').slice(-16)).toBe(home('bob').slice(-16));
    expect(alice).toMatch(/^\\\\\.\\pipe\\jett-[0-9a-f]{32}$/);
    expect(alice).not.toBe(bob);
    // Same tail, same user name, different drive: still another home, another pipe.
    expect(jettPaths(home('alice', 'D:'), 'win32', 'alice').controlSocket).not.toBe(alice);
  });

  it('differs between two users sharing one JETT_HOME, and ignores the case of the path', () => {
    expect(controlPipeName('D:\\Jett', 'alice')).not.toBe(controlPipeName('D:\\Jett', 'bob'));
    expect(controlPipeName('c:\\users\\alice\\appdata\\roaming\\jett\\', 'Alice')).toBe(controlPipeName(home('alice'), 'alice'));
  });
});
