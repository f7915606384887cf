// JETT_HOME: the one folder, where each platform keeps per-user config.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { controlPipeName, jettDataHome, jettHome, jettPaths } from '../../../main/core/config/paths.js';

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

describe('Windows: config and secrets roam, the database and the models stay on the machine', () => {
  // Profile folders as Windows names them: a space, non-ASCII letters, and a domain account (which gets the domain
  // appended when a local profile of the same name exists: "jdoe.CORP").
  const profiles = ['C:\\Users\\Jane Doe', 'C:\\Users\\Zoë Müller-Åström', 'C:\\Users\\jdoe.CORP', 'D:\\Profiles\\山田太郎'];

  it.each(profiles)('puts %s\'s database and models under %%LOCALAPPDATA%%\\Jett, the rest under %%APPDATA%%\\Jett', (profile) => {
    const env = { USERPROFILE: profile, APPDATA: `${profile}\\AppData\\Roaming`, LOCALAPPDATA: `${profile}\\AppData\\Local` };
    const p = jettPaths(jettHome(env, 'win32'), 'win32', 'user', jettDataHome(env, 'win32'));
    expect(p.database).toBe(`${profile}\\AppData\\Local\\Jett\\jett.db`);
    expect(p.models).toBe(`${profile}\\AppData\\Local\\Jett\\models`);
    expect(p.config).toBe(`${profile}\\AppData\\Roaming\\Jett\\config.json`);
    expect(p.secrets).toBe(`${profile}\\AppData\\Roaming\\Jett\\secrets.json`);
    expect(p.controlToken).toBe(`${profile}\\AppData\\Roaming\\Jett\\control.token`);
    expect(p.logs).toBe(`${profile}\\AppData\\Roaming\\Jett\\logs`);
  });

  it('finds the local folder from USERPROFILE when LOCALAPPDATA is unset', () => {
    expect(jettDataHome({ USERPROFILE: 'C:\\Users\\Jane Doe' }, 'win32')).toBe('C:\\Users\\Jane Doe\\AppData\\Local\\Jett');
  });

  it('keeps everything in JETT_HOME when it is set, and in one folder on Linux', () => {
    expect(jettDataHome({ JETT_HOME: 'D:\\Jett', LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32')).toBe(path.resolve('D:\\Jett'));
    expect(jettDataHome({ HOME: '/home/u' }, 'linux')).toBe('/home/u/.config/Jett');
    const p = jettPaths('/home/u/.config/Jett', 'linux');
    expect([p.database, p.models]).toEqual(['/home/u/.config/Jett/jett.db', '/home/u/.config/Jett/models']);
  });
});
