// The microphones the platform can name: `arecord -L` on Linux; elsewhere sox cannot list them, and the note says
// which names sox takes instead. Kept apart from capture (and the VAD it imports) so the agent can answer
// `voice.devices` without loading any speech runtime.
import { execa } from 'execa';

export interface DeviceList {
  supported: boolean;
  devices: InputDevice[];
  /** Why no list is given, when unsupported. */
  note: string | null;
}

export async function listInputDevices(opts: { platform: NodeJS.Platform; resolveBinary: (name: string) => string | null; env?: NodeJS.ProcessEnv }): Promise<DeviceList> {
  if (opts.platform === 'win32') {
    // sox's waveaudio driver: "default", a device number, or the start of a device name (soxformat(7), "waveaudio").
    return { supported: false, devices: [], note: 'sox cannot list devices on Windows: set voice.inputDevice to "default", a number (0 is the first microphone), or the start of the name Settings > System > Sound > Input shows (at most 31 characters)' };
  }
  if (opts.platform !== 'linux') {
    return { supported: false, devices: [], note: 'sox cannot list devices here: use the name macOS shows for the microphone, or "default"' };
  }
  const arecord = opts.resolveBinary('arecord');
  if (!arecord) return { supported: false, devices: [], note: 'arecord is not installed: run `sudo apt-get install alsa-utils` to list devices' };
  const res = await execa(arecord, ['-L'], { reject: false, env: opts.env, extendEnv: opts.env === undefined });
  return { supported: true, devices: parseArecordList(res.stdout), note: null };
}

export interface InputDevice {
  name: string;
  description: string;
}

/** `arecord -L` output: a device name at the start of a line, its description indented below. */
export function parseArecordList(text: string): InputDevice[] {
  const devices: InputDevice[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    if (/^\s/.test(line)) {
      const last = devices[devices.length - 1];
      if (last) last.description = last.description ? `${last.description} - ${line.trim()}` : line.trim();
    } else devices.push({ name: line.trim(), description: '' });
  }
  return devices.filter((d) => d.name !== 'null');
}
