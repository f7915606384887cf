// The Linux login item: an XDG autostart entry that the tray app writes (main/app/login-item.ts) and the uninstall
// removes. Core owns its name and shape so both sides agree on which file is Jett's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function autostartFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config'), 'autostart', 'jett.desktop');
}

const NAME_LINE = 'Name=Jett';
const COMMENT_LINE = 'Comment=Voice assistant tray app';

/** Quotes a path for a desktop entry's Exec key (the spec's rules: double quotes, escape " ` $ \\). */
function execQuote(p: string): string {
  return `"${p.replace(/(["`$\\\\])/g, '\\\\$1')}"`;
}

export function renderAutostart(executable: string): string {
  return ['[Desktop Entry]', 'Type=Application', NAME_LINE, COMMENT_LINE, `Exec=${execQuote(executable)}`, 'X-GNOME-Autostart-enabled=true', 'Terminal=false', ''].join('\n');
}

/** Whether a desktop entry is the one renderAutostart wrote (a user's own jett.desktop is never removed). */
export function isJettAutostart(text: string): boolean {
  const lines = text.split('\n');
  return lines[0] === '[Desktop Entry]' && lines.includes(NAME_LINE) && lines.includes(COMMENT_LINE);
}

export type RemoveOutcome = { removed: string } | { kept: string } | null;

/** Removes the autostart entry when it is Jett's; null when there is none. */
export function removeAutostart(env: NodeJS.ProcessEnv): RemoveOutcome {
  const file = autostartFile(env);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return null;
  }
  if (!st.isFile() || !isJettAutostart(fs.readFileSync(file, 'utf8'))) return { kept: file };
  fs.rmSync(file, { force: true });
  return { removed: file };
}
