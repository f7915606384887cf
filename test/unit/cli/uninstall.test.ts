// `jett uninstall`'s command line: no silent deletion (without --keep-data or --delete-data it asks on a terminal and
// refuses elsewhere, before touching anything), the question keeps the data unless "delete" is typed.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askDeleteData } from '../../../main/cli/commands/uninstall.js';
import { openRuntime } from '../../../main/core/runtime.js';
import { createContext } from '../../../main/cli/context.js';
import { autostartFile, renderAutostart } from '../../../main/core/uninstall/autostart.js';
import { jett } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

describe('jett uninstall (command line)', () => {
  it('refuses without --keep-data or --delete-data when no one can be asked, and with both; nothing is removed', async () => {
    const user = tempDir('jett-cli-user-');
    const home = path.join(user, '.config', 'Jett');
    fs.mkdirSync(home, { recursive: true });
    const autostart = autostartFile({ HOME: user });
    fs.mkdirSync(path.dirname(autostart), { recursive: true });
    fs.writeFileSync(autostart, renderAutostart('/opt/Jett/jett'));
    for (const args of [['uninstall'], ['uninstall', '--json'], ['uninstall', '--keep-data', '--delete-data']]) {
      const r = await jett(args, { home, env: { HOME: user, XDG_CONFIG_HOME: undefined } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/UsageError: (say what happens to JETT_HOME: nothing is deleted without being asked|--delete-data and --keep-data contradict)/);
    }
    expect(fs.existsSync(autostart)).toBe(true);
    expect(fs.existsSync(home)).toBe(true);
  });

  it('asks on a terminal: only "delete" deletes, Enter or anything else keeps', async () => {
    for (const [typed, expected] of [['delete\n', true], [' DELETE \n', true], ['\n', false], ['y\n', false], ['yes\n', false]] as const) {
      const stdin = new PassThrough();
      const stdout = new PassThrough();
      let shown = '';
      stdout.on('data', (d: Buffer) => (shown += d.toString()));
      const ctx = createContext({ stdin, stdout, stderr: new PassThrough(), env: {} }, openRuntime);
      const answer = askDeleteData(ctx, ['/home/u/.config/Jett', '/home/u/.config/Jett']);
      stdin.write(typed);
      expect(await answer).toBe(expected);
      expect(shown).toContain('Jett keeps its config, database, logs and speech models in /home/u/.config/Jett.');
      expect(shown).toContain('Type "delete" to delete them too, or press Enter to keep them: ');
    }
  });
});
