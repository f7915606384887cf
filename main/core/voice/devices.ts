// The microphones the platform can name: `arecord -L` on Linux; elsewhere sox cannot list them.
import { execa } from 'execa';
import { parseArecordList, type InputDevice } from './capture.js';

export interface DeviceList {
  supported: boolean;
  devices: InputDevice[];
  /** Why no list is given, when unsupported. */
  note: string | null;
}

export async function listInputDevices(opts: { platform: NodeJS.Platform; resolveBinary: (name: string) => string | null; env?: NodeJS.ProcessEnv }): Promise<DeviceList> {
  if (opts.platform !== 'linux') {
    return { supported: false, devices: [], note: 'sox cannot list devices here: use the name Windows or macOS shows for the microphone, or "default"' };
  }
  const arecord = opts.resolveBinary('arecord');
  if (!arecord) return { supported: false, devices: [], note: 'arecord is not installed: run `sudo apt-get install alsa-utils` to list devices' };
  const res = await execa(arecord, ['-L'], { reject: false, env: opts.env, extendEnv: opts.env === undefined });
  return { supported: true, devices: parseArecordList(res.stdout), note: null };
}
