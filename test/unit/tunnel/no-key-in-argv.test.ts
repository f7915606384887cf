// Fake `wg`, `wg-quick` and `ping` record every command line while the real CLI generates keys and brings the
// tunnel up and down: no private or preshared key may appear in any argv, output or log line.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TunnelStatusSchema } from '../../../main/core/contracts/tunnel.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
import { jett } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

const FAKE_WG_QUICK = `#!/bin/bash
printf '%s\\x1f' "$0" "$@" >> "$JETT_FAKE_RECORD"; printf '\\n' >> "$JETT_FAKE_RECORD"
file=$2
case "$1" in
  up)
    stat -c 'mode %a' "$file" >> "$JETT_FAKE_RECORD"
    stat -c 'dirmode %a' "$(dirname "$file")" >> "$JETT_FAKE_RECORD"
    # Keep what the kernel would hold: the private key, and the peer from the file.
    grep -E '^(PrivateKey|PublicKey|Endpoint) = ' "$file" | sed 's/^[A-Za-z]* = //' > "$JETT_FAKE_STATE" ;;
  down) rm -f "$JETT_FAKE_STATE" ;;
esac
`;

const FAKE_WG = `#!/bin/bash
printf '%s\\x1f' "$0" "$@" >> "$JETT_FAKE_RECORD"; printf '\\n' >> "$JETT_FAKE_RECORD"
if [ "$1" = show ]; then
  if [ ! -f "$JETT_FAKE_STATE" ]; then echo "Unable to access interface: No such device" >&2; exit 1; fi
  mapfile -t s < "$JETT_FAKE_STATE"
  printf '%s\\t%s\\t%s\\t%s\\n' "\${s[0]}" "PUBLICKEYOFTHEDESKTOPPPPPPPPPPPPPPPPPPPPPPP=" 40000 off
  printf '%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n' "\${s[1]}" "(hidden)" "\${s[2]}" 10.0.0.2/32 "$(date +%s)" 1000 2000 25
fi
`;

const FAKE_PING = `#!/bin/bash
printf '%s\\x1f' "$0" "$@" >> "$JETT_FAKE_RECORD"; printf '\\n' >> "$JETT_FAKE_RECORD"
echo "64 bytes from \${@: -1}: icmp_seq=1 ttl=64 time=0.412 ms"
`;

describe('no key on a command line, in output or in logs', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('runs keys generate, tunnel peer/config/up/status/down through fake wg tools', async () => {
    const home = tempDir();
    const bin = tempDir('jett-fake-bin-');
    for (const [name, text] of [['wg', FAKE_WG], ['wg-quick', FAKE_WG_QUICK], ['ping', FAKE_PING]] as const) {
      fs.writeFileSync(path.join(bin, name), text, { mode: 0o755 });
    }
    const record = path.join(bin, 'argv.log');
    // The fakes run as children of this process and read their record and state paths from its environment.
    vi.stubEnv('JETT_FAKE_RECORD', record);
    vi.stubEnv('JETT_FAKE_STATE', path.join(bin, 'state'));
    const env = { PATH: `${bin}:${process.env.PATH}`, JETT_TUNNEL_CONTROL: 'direct' };
    const outputs: string[] = [];
    const run = async (args: string[]) => {
      const r = await jett(args, { home, env });
      outputs.push(r.stdout, r.stderr);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r;
    };

    await run(['keys', 'generate', '--psk']);
    await run(['tunnel', 'peer', '--public-key', generateKeyPair().publicKey, '--endpoint', 'vps.example.org:51820']);
    await run(['tunnel', 'config', '--side', 'desktop']);
    await run(['tunnel', 'config', '--side', 'vps']);
    await run(['tunnel', 'config', '--side', 'desktop', '--out', path.join(home, 'desktop.conf')]);
    expect(fs.statSync(path.join(home, 'desktop.conf')).mode & 0o777).toBe(0o600);
    const up = await run(['tunnel', 'up', '--json']);
    expect(TunnelStatusSchema.parse(JSON.parse(up.stdout))).toMatchObject({ state: 'up', rxBytes: 1000, txBytes: 2000, probeRttMs: 0.412, endpoint: 'vps.example.org:51820' });
    const status = TunnelStatusSchema.parse(JSON.parse((await run(['tunnel', 'status', '--json'])).stdout));
    expect(status.state).toBe('up');
    expect((await run(['tunnel', 'down'])).stdout).toMatch(/down/);

    const secrets = JSON.parse(fs.readFileSync(path.join(home, 'secrets.json'), 'utf8')) as Record<string, string>;
    const keys = [secrets['tunnel.privateKey']!, secrets['tunnel.presharedKey']!];
    expect(keys.every((k) => k.length === 44)).toBe(true);
    const argv = fs.readFileSync(record, 'utf8');
    // The fakes really ran: wg-quick up got a path, never key material, and the file was 0600 in a 0700 folder.
    expect(argv).toMatch(/wg-quick\x1fup\x1f[^\x1f]+\/jett0\.conf\x1f/);
    expect(argv).toContain('mode 600');
    expect(argv).toContain('dirmode 700');
    expect(argv).toMatch(/wg\x1fshow\x1fjett0\x1fdump\x1f/);
    const logs = fs.readdirSync(path.join(home, 'logs')).map((f) => fs.readFileSync(path.join(home, 'logs', f), 'utf8')).join('\n');
    for (const key of keys) {
      expect(argv).not.toContain(key);
      expect(outputs.join('\n')).not.toContain(key);
      expect(logs).not.toContain(key);
    }
    // The run folder for the short-lived config files is left empty.
    expect(fs.readdirSync(path.join(home, 'run'))).toEqual([]);
  });
});
