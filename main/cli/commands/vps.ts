// `jett vps bundle --out DIR`: writes the hardened VPS side (compose, env files, wg0.conf, scripts) for /opt/jett.
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { PLACEHOLDER_N8N, PLACEHOLDER_PORTAINER, writeDesktopBundle } from '../../core/vps/desktop-bundle.js';
import { settingsSaved } from '../agent-link.js';
import type { CliContext } from '../context.js';

function wholeNumber(text: string, flag: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a whole number`, `e.g. ${flag} 24`);
  return Number(text);
}

interface BundleFlags {
  out: string;
  force?: boolean;
  json?: boolean;
  n8nHostname: string;
  portainerHostname: string;
  timezone?: string;
  backupHours: string;
  backupDays: string;
  backupRecipient?: string;
  publishEditor?: boolean;
  publishPortainer?: boolean;
  accessTeam?: string;
  accessAud?: string;
}

export function registerVps(program: Command, ctx: CliContext): void {
  const vps = program.command('vps').description('the VPS side: n8n, PostgreSQL, Qdrant and Portainer behind WireGuard');

  vps
    .command('bundle')
    .description('write the folder for /opt/jett on the VPS (compose, env files, wg0.conf, install.sh, ...)')
    .requiredOption('--out <dir>', 'folder to write (new or empty; --force rewrites one, keeping its passwords)')
    .option('--force', 'rewrite a folder that already has files')
    .option('--n8n-hostname <host>', 'public hostname of n8n behind the Cloudflare Tunnel', PLACEHOLDER_N8N)
    .option('--portainer-hostname <host>', 'public hostname of Portainer behind the Cloudflare Tunnel', PLACEHOLDER_PORTAINER)
    .option('--timezone <tz>', 'time zone of the services (default: this machine\'s)')
    .option('--backup-hours <n>', 'hours between database dumps', '24')
    .option('--backup-days <n>', 'days backups are kept', '14')
    .option('--backup-recipient <key>', 'age public key (age1...) to encrypt backups to (default: a key made once on this desktop, JETT_HOME/backup-identity.txt)')
    .option('--publish-editor', 'also publish the n8n editor on the n8n hostname, behind Cloudflare Access (needs --access-team and --access-aud)')
    .option('--publish-portainer', 'publish Portainer on the Portainer hostname, behind Cloudflare Access (needs --access-team and --access-aud)')
    .option('--access-team <team>', 'Cloudflare Zero Trust team name (TEAM of TEAM.cloudflareaccess.com)')
    .option('--access-aud <tag>', "the Access application's audience (AUD) tag")
    .option('--json', 'print {"dir","files","vpsAddress","desktopPublicKey","images","storedSecrets","backupRecipient","backupIdentityFile","published"}')
    .action(async (opts: BundleFlags) => {
      if ((opts.accessTeam === undefined) !== (opts.accessAud === undefined)) {
        throw new UsageError('--access-team and --access-aud go together', 'pass both, from the Access application that guards the published hostname');
      }
      const rt = ctx.runtime();
      const report = await writeDesktopBundle({
        outDir: opts.out,
        force: opts.force ?? false,
        config: rt.config.load(),
        secrets: rt.secrets,
        home: rt.paths.home,
        n8nHostname: opts.n8nHostname,
        portainerHostname: opts.portainerHostname,
        publishEditor: opts.publishEditor ?? false,
        publishPortainer: opts.publishPortainer ?? false,
        access: opts.accessTeam !== undefined && opts.accessAud !== undefined ? { teamName: opts.accessTeam, audTag: opts.accessAud } : null,
        ...(opts.backupRecipient === undefined ? {} : { backupRecipient: opts.backupRecipient }),
        ...(opts.timezone === undefined ? {} : { timezone: opts.timezone }),
        backup: { intervalHours: wholeNumber(opts.backupHours, '--backup-hours'), keepDays: wholeNumber(opts.backupDays, '--backup-days') },
      });
      // A running agent starts its sync and heartbeat with the secrets just stored.
      await settingsSaved(ctx, { secrets: report.storedSecrets, tunnel: false });
      if (opts.json) return ctx.out(JSON.stringify(report));
      ctx.out(`wrote ${report.files.length} files to ${report.dir} (VPS tunnel address ${report.vpsAddress})`);
      ctx.out(`the VPS will accept this desktop's public key ${report.desktopPublicKey}`);
      if (report.storedSecrets.length) ctx.out(`stored in the secret store: ${report.storedSecrets.join(', ')}`);
      ctx.out(
        report.published.length
          ? `published behind Cloudflare Access: ${report.published.join(', ')}; public without Access: n8n's /webhook/ paths only`
          : "public: n8n's /webhook/ paths only; the n8n editor and Portainer are reached through WireGuard",
      );
      ctx.out(
        report.backupIdentityFile
          ? `backups are encrypted to ${report.backupRecipient}; its private key is ${report.backupIdentityFile} (keep a copy off this desktop: without it no backup can be read)`
          : `backups are encrypted to ${report.backupRecipient} (your key)`,
      );
      if (opts.n8nHostname === PLACEHOLDER_N8N || (opts.publishPortainer && opts.portainerHostname === PLACEHOLDER_PORTAINER)) {
        ctx.out('note: the Cloudflare hostnames are placeholders: run again with --force --n8n-hostname (and --portainer-hostname)');
      }
      ctx.out(`next: copy the folder to the VPS (it holds passwords; see its README.md) and run \`sudo bash /opt/jett/install.sh\` there`);
      ctx.out('then: `jett audit compose` on its docker-compose.yml, and `jett audit live` once the tunnel is up');
    });
}
