// The command table that lets `jett` load each command's module on use: its `--help` lines are the modules' own.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createContext } from '../../../main/cli/context.js';
import { openRuntime } from '../../../main/core/runtime.js';
import { buildProgram, COMMANDS } from '../../../main/cli/program.js';
import { tempDir } from '../../helpers/tmp.js';

const ctx = () => createContext({ stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]), env: { JETT_HOME: tempDir() } }, openRuntime);

describe('the command table', () => {
  it('names every command its modules register, with the same description and visibility', async () => {
    const program = await buildProgram(ctx(), { all: true });
    const registered = program.commands.map((c) => ({ name: c.name(), description: c.description(), hidden: (c as unknown as { _hidden: boolean })._hidden }));
    const table = COMMANDS.map((c) => ({ name: c.name, description: c.description, hidden: c.hidden ?? false }));
    expect(registered.sort((a, b) => a.name.localeCompare(b.name))).toEqual(table.sort((a, b) => a.name.localeCompare(b.name)));
  });

  it('registers only the chosen command, and a stand-in for each other', async () => {
    const program = await buildProgram(ctx(), { argv: ['help', 'config'] });
    expect(program.commands.find((c) => c.name() === 'config')?.commands.map((c) => c.name())).toContain('get');
    expect(program.commands.find((c) => c.name() === 'vps')?.commands).toEqual([]);
    expect(program.commands.map((c) => c.name()).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });
});
