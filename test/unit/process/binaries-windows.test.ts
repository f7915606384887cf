// The Windows program lookup over a fake Windows disk: sox.exe and espeak-ng.exe in the Program Files folders
// their installers create (neither adds itself to PATH), PATH first, the newest SoX first, and no play.exe.
import { describe, expect, it } from 'vitest';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { ESPEAK, SOX, windowsDisk, windowsEnv as env } from '../../helpers/windows-disk.js';

/** Windows paths compare without case: PATHEXT lists `.EXE`, the file on disk is `sox.exe`, both name one file. */
const lower = (p: string | null) => p?.toLowerCase() ?? null;

describe('resolveBinary on Windows', () => {
  it('finds sox.exe in its Program Files (x86) folder although PATH lacks it', () => {
    expect(lower(resolveBinary('sox', { platform: 'win32', env, fs: windowsDisk([SOX, 'C:\\Windows\\system32\\ping.exe']) }))).toBe(lower(SOX));
  });

  it('finds espeak-ng.exe in "C:\\Program Files\\eSpeak NG"', () => {
    expect(lower(resolveBinary('espeak-ng', { platform: 'win32', env, fs: windowsDisk([ESPEAK]) }))).toBe(lower(ESPEAK));
  });

  it('finds no play.exe: SoX for Windows ships sox.exe only (README.win32)', () => {
    expect(resolveBinary('play', { platform: 'win32', env, fs: windowsDisk([SOX]) })).toBeNull();
  });

  it('prefers the sox on PATH, which the user chose, over a Program Files copy', () => {
    const own = 'D:\\Tools\\sox\\sox.exe';
    expect(resolveBinary('sox', { platform: 'win32', env: { ...env, Path: `C:\\Windows\\system32;D:\\Tools\\sox` }, fs: windowsDisk([SOX, own]) })?.toLowerCase()).toBe(own.toLowerCase());
  });

  it('takes the newest of several SoX folders, by version number, and ignores unrelated folders named sox-like', () => {
    const disk = windowsDisk(['C:\\Program Files (x86)\\sox-14-4-1\\sox.exe', 'C:\\Program Files (x86)\\sox-14-4-10\\sox.exe', 'C:\\Program Files (x86)\\soxtools\\sox.exe']);
    expect(lower(resolveBinary('sox', { platform: 'win32', env, fs: disk }))).toBe(lower('C:\\Program Files (x86)\\sox-14-4-10\\sox.exe'));
    expect(resolveBinary('sox', { platform: 'win32', env, fs: windowsDisk(['C:\\Program Files (x86)\\soxtools\\sox.exe']) })).toBeNull();
  });

  it('reads the environment without regard to case, as Windows does', () => {
    const upper = { PATH: 'C:\\Windows\\system32', 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)' };
    expect(lower(resolveBinary('sox', { platform: 'win32', env: upper, fs: windowsDisk([SOX]) }))).toBe(lower(SOX));
  });

  it('finds an unversioned "sox" folder, as some install scripts make it', () => {
    expect(lower(resolveBinary('sox', { platform: 'win32', env, fs: windowsDisk(['C:\\Program Files (x86)\\sox\\sox.exe']) }))).toBe(lower('C:\\Program Files (x86)\\sox\\sox.exe'));
  });

  it('finds the zip edition unpacked into Program Files (sox-14.4.2) and a user name with spaces and accents on PATH', () => {
    expect(lower(resolveBinary('sox', { platform: 'win32', env, fs: windowsDisk(['C:\\Program Files\\sox-14.4.2\\sox.exe']) }))).toBe(lower('C:\\Program Files\\sox-14.4.2\\sox.exe'));
    const user = 'C:\\Users\\José Müller\\tools';
    expect(lower(resolveBinary('sox', { platform: 'win32', env: { ...env, Path: user }, fs: windowsDisk([`${user}\\sox.exe`]) }))).toBe(lower(`${user}\\sox.exe`));
  });

  it('says null when SoX is nowhere, and finds nothing under Program Files for a program without a known folder', () => {
    expect(resolveBinary('sox', { platform: 'win32', env, fs: windowsDisk(['C:\\Windows\\system32\\ping.exe']) })).toBeNull();
    expect(resolveBinary('arecord', { platform: 'win32', env, fs: windowsDisk(['C:\\Program Files (x86)\\sox-14-4-2\\arecord.exe']) })).toBeNull();
  });
});
