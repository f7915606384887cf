// The spoken memory commands as Whisper writes them (capitals, punctuation, a leading "please" or "Jett"), and the
// sentences that are not commands.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../main/core/memory/commands.js';

describe('spoken memory commands', () => {
  it('reads remember, remember privately, forget and what-do-you-remember', () => {
    expect(parseCommand('Remember that the plumber comes on Tuesday.')).toEqual({ kind: 'remember', text: 'The plumber comes on Tuesday.', private: false });
    expect(parseCommand('Jett, remember privately that my locker code is 12.')).toEqual({ kind: 'remember', text: 'My locker code is 12.', private: true });
    expect(parseCommand('Please forget about the plumber!')).toEqual({ kind: 'forget', about: 'the plumber' });
    expect(parseCommand('What do you remember about the backup?')).toEqual({ kind: 'recall', about: 'the backup' });
  });

  it('leaves other sentences, and commands with nothing (or everything) to act on, to the LLM', () => {
    for (const t of ['Do you remember the plumber?', 'I always forget my keys.', 'Remember.', 'Forget it.', 'Forget everything!', 'What do you remember about?', '']) {
      expect(parseCommand(t), t).toBeNull();
    }
  });
});
