// Fake `wg`, `wg-quick` and `ping` record every command line while the real CLI generates keys and brings the
// tunnel up and down: no private or preshared key may appear in any argv, output or log line. wg and wg-quick run
// as root, so Jett takes them from the system folders only: the fakes are bound over them in a mount namespace.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { TunnelStatusSchema } from '../../../main/core/contracts/tunnel.js';
import { resolveBinary } from '../../../main/core/process/binaries.js';
import { resolvePrivileged } from '../../../main/core/process/privileged.js';
import { generateKeyPair } from '../../../main/core/tunnel/keys.js';
import type { CliResult } from '../../helpers/cli.js';
import { binary, describeWith, root } from '../../helpers/requirements.js';
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

/** Runs the commands in one jett process inside a mount namespace where the fakes sit at the system paths. */
function jettWithFakes(home: string, bin: string, lists: string[][]): CliResult[] {
  const wg = resolvePrivileged('wg')!;
  const wgQuick = resolvePrivileged('wg-quick')!;
  // Programs that run as root come only from the system folders, so the fakes are bound over the real ones there.
  const script = `set -e; mount --bind "$BIN/wg" '${wg}'; mount --bind "$BIN/wg-quick" '${wgQuick}'; exec "$NODE" --import tsx test/helpers/cli-batch.ts "$LISTS"`;
  const r = spawnSync(resolveBinary('unshare')!, ['--mount', '--propagation', 'private', resolveBinary('bash')!, '-c', script], {
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      BIN: bin,
      NODE: process.execPath,
      LISTS: JSON.stringify(lists),
      JETT_HOME: home,
      PATH: `${bin}:${process.env.PATH}`,
      JETT_TUNNEL_CONTROL: 'direct',
      // The fakes run as children of jett and read their record and state paths from its environment.
      JETT_FAKE_RECORD: path.join(bin, 'argv.log'),
      JETT_FAKE_STATE: path.join(bin, 'state'),
    },
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as CliResult[];
}

describeWith([root, binary('unshare'), binary('wg'), binary('wg-quick')], 'no key on a command line, in output or in logs', () => {
  it('runs keys generate, tunnel peer/config/up/status/down through fake wg tools', async () => {
    const home = tempDir();
    const bin = tempDir('jett-fake-bin-');
    for (const [name, text] of [['wg', FAKE_WG], ['wg-quick', FAKE_WG_QUICK], ['ping', FAKE_PING]] as const) {
      fs.writeFileSync(path.join(bin, name), text, { mode: 0o755 });
    }
    const record = path.join(bin, 'argv.log');
    const lists = [
      ['keys', 'generate', '--psk'],
      ['tunnel', 'peer', '--public-key', generateKeyPair().publicKey, '--endpoint', 'vps.example.org:51820'],
      ['tunnel', 'config', '--side', 'desktop'],
      ['tunnel', 'config', '--side', 'vps'],
      ['tunnel', 'config', '--side', 'desktop', '--out', path.join(home, 'desktop.conf')],
      ['tunnel', 'up', '--json'],
      ['tunnel', 'status', '--json'],
      ['tunnel', 'down'],
    ];
    const results = jettWithFakes(home, bin, lists);
    results.forEach((r, i) => expect(r.code, `${lists[i]!.join(' ')}: ${r.stderr}`).toBe(0));
    const outputs = results.flatMap((r) => [r.stdout, r.stderr]);
    expect(fs.statSync(path.join(home, 'desktop.conf')).mode & 0o777).toBe(0o600);
    expect(TunnelStatusSchema.parse(JSON.parse(results[5]!.stdout))).toMatchObject({ state: 'up', rxBytes: 1000, txBytes: 2000, probeRttMs: 0.412, endpoint: 'vps.example.org:51820' });
    expect(TunnelStatusSchema.parse(JSON.parse(results[6]!.stdout)).state).toBe('up');
    expect(results[7]!.stdout).toMatch(/down/);

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
