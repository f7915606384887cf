// The spoken memory commands, read from a transcript: "remember (privately) (that) ...", "forget (about) ...",
// "what do you remember about ...". Whisper writes capitals and punctuation; both are ignored around the command.
export type SpokenCommand = { kind: 'remember'; text: string; private: boolean } | { kind: 'forget'; about: string } | { kind: 'recall'; about: string };

const VAGUE = /^(it|that|this|them|everything|all|all of it)$/i;
const clean = (s: string) => s.replace(/^[\s,.:;!?-]+|[\s,.:;!?-]+$/g, '');
const sentence = (s: string) => {
  const t = clean(s);
  return t ? `${t[0]!.toUpperCase()}${t.slice(1)}.` : '';
};

export function parseCommand(transcript: string): SpokenCommand | null {
  const t = clean(transcript).replace(/^(hey jett|jett|okay|ok|please)[\s,]+/i, '').replace(/^please\s+/i, '');
  let m = /^what do you (?:remember|know) about\s+(.+)$/i.exec(t);
  if (m) return clean(m[1]!) ? { kind: 'recall', about: clean(m[1]!) } : null;
  m = /^forget(?:\s+about)?(?:\s+that)?\s+(.+)$/i.exec(t);
  // "Forget it" means "never mind", and a spoken "forget everything" is too easy to say by accident: the CLI and
  // the window forget in bulk.
  if (m) return clean(m[1]!) && !VAGUE.test(clean(m[1]!)) ? { kind: 'forget', about: clean(m[1]!) } : null;
  m = /^remember(\s+(?:privately|in private))?(?:,?\s+that)?[\s,:]+(.+)$/i.exec(t);
  if (m) {
    const text = sentence(m[2]!);
    return text ? { kind: 'remember', text, private: Boolean(m[1]) } : null;
  }
  return null;
}
