// `jett keys generate|show`: the desktop's WireGuard keys, made in-process; only the public key is ever printed.
import type { Command } from 'commander';
import type { KeysShow } from '../../core/contracts/tunnel.js';
import { TunnelConfigError } from '../../core/tunnel/errors.js';
import { fingerprint, generateKeyPair, generatePresharedKey, publicKeyOf } from '../../core/tunnel/keys.js';
import type { CliContext } from '../context.js';

async function currentKeys(ctx: CliContext): Promise<KeysShow> {
  const secrets = ctx.runtime().secrets;
  const privateKey = await secrets.get('tunnel.privateKey');
  if (!privateKey) throw new TunnelConfigError('this desktop has no WireGuard key yet', 'run `jett keys generate`');
  const publicKey = publicKeyOf(privateKey);
  return { publicKey, fingerprint: fingerprint(publicKey), presharedKey: (await secrets.get('tunnel.presharedKey')) !== null };
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
      const secrets = ctx.runtime().secrets;
      if (!opts.force && (await secrets.get('tunnel.privateKey'))) {
        throw new TunnelConfigError('this desktop already has a WireGuard key', 'keep it (`jett keys show`), or replace it with `jett keys generate --force` and give the VPS the new public key');
      }
      const pair = generateKeyPair();
      await secrets.set('tunnel.privateKey', pair.privateKey);
      if (opts.psk) await secrets.set('tunnel.presharedKey', generatePresharedKey());
      print(ctx, await currentKeys(ctx), opts.json);
    });

  keys
    .command('show')
    .description('print the public key and its fingerprint (never the private key)')
    .option('--json', 'print {"publicKey","fingerprint","presharedKey"}')
    .action(async (opts: { json?: boolean }) => print(ctx, await currentKeys(ctx), opts.json));
}
