// `jett keys generate|show`: the desktop's WireGuard keys, made in-process; only the public key is ever printed.
import type { Command } from 'commander';
import type { KeysShow } from '../../core/contracts/tunnel.js';
import { desktopKeys, generateDesktopKeys, type DesktopKeys } from '../../core/tunnel/desktop-keys.js';
import { TunnelConfigError } from '../../core/tunnel/errors.js';
import { settingsSaved } from '../agent-link.js';
import type { CliContext } from '../context.js';

function shown(keys: DesktopKeys | null): KeysShow {
  if (!keys) throw new TunnelConfigError('this desktop has no WireGuard key yet', 'run `jett keys generate`');
  return { publicKey: keys.publicKey, fingerprint: keys.fingerprint, presharedKey: keys.presharedKeyStored };
}

function print(ctx: CliContext, keys: KeysShow, json: boolean | undefined): void {
  if (json) return ctx.out(JSON.stringify(keys));
  ctx.out(`public key  ${keys.publicKey}`);
  ctx.out(`fingerprint ${keys.fingerprint}`);
  ctx.out(`preshared   ${keys.presharedKey ? 'set (in the secret store)' : 'none'}`);
}

export function registerKeys(program: Command, ctx: CliContext): void {
  const keys = program.command('keys').description("the desktop's WireGuard keys (the private key stays in the secret store)");

  keys
    .command('generate')
    .description('make a new key pair (and with --psk a preshared key) and store it')
    .option('--psk', 'also make a preshared key (give it to the VPS too: `jett tunnel config --side vps --out FILE`)')
    .option('--force', 'replace an existing key (the VPS must then get the new public key)')
    .option('--json', 'print {"publicKey","fingerprint","presharedKey"}')
    .action(async (opts: { psk?: boolean; force?: boolean; json?: boolean }) => {
      const keys = await generateDesktopKeys(ctx.runtime().secrets, {
        replace: opts.force ?? false,
        presharedKey: opts.psk ?? false,
        howToReplace: 'keep it (`jett keys show`), or replace it with `jett keys generate --force` and give the VPS the new public key',
      });
      print(ctx, shown(keys), opts.json);
      await settingsSaved(ctx, { secrets: ['tunnel.privateKey', 'tunnel.presharedKey'], tunnel: true });
    });

  keys
    .command('show')
    .description('print the public key and its fingerprint (never the private key)')
    .option('--json', 'print {"publicKey","fingerprint","presharedKey"}')
    .action(async (opts: { json?: boolean }) => print(ctx, shown(await desktopKeys(ctx.runtime().secrets)), opts.json));
}
