// Settings forms: fields per config section, checked with the same ConfigSchema main saves with, so a message
// shown next to a field is the message main would give.
import { ConfigSchema, type Config } from '../../main/core/contracts/config.js';
import type { EditableSection } from '../../main/core/contracts/ipc.js';
import { h } from './dom.js';

export type FieldKind = 'text' | 'number' | 'select';

export interface FieldSpec {
  key: string;
  label: string;
  kind: FieldKind;
  help?: string;
  options?: string[];
  /** A select whose labels differ from its values; `unknown` marks a saved value that is not among the choices. */
  choices?: Choice[];
  placeholder?: string;
  /** A number field's step ("any" for a fraction such as a threshold). */
  step?: string;
}

export interface Choice {
  value: string;
  label: string;
  unknown?: boolean;
}

export type Values = Record<string, string | number | boolean>;

/** Messages by key (e.g. "endpoint") for `values` laid over `config[section]`; empty when valid. */
export function validateSection(config: Config, section: EditableSection, values: Values): Record<string, string> {
  const merged = { ...config, [section]: { ...config[section], ...values } };
  const result = ConfigSchema.safeParse(merged);
  const out: Record<string, string> = {};
  if (result.success) return out;
  for (const issue of result.error.issues) {
    if (issue.path[0] !== section) continue;
    const key = String(issue.path[1] ?? '');
    out[key] ??= issue.message;
  }
  return out;
}

export interface SectionForm {
  element: HTMLElement;
  values(): Values;
  showErrors(errors: Record<string, string>): void;
}

/** A form for `fields` of `config[section]`; `onSave` receives the changed values. */
export function sectionForm(
  config: Config,
  section: EditableSection,
  fields: FieldSpec[],
  onSave: (values: Values) => void,
  extra: HTMLElement[] = [],
): SectionForm {
  const current = config[section] as Record<string, string | number | boolean>;
  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  const messages = new Map<string, HTMLElement>();
  const rows = fields.map((f) => {
    const id = `${section}-${f.key}`;
    const value = String(current[f.key] ?? '');
    let input: HTMLInputElement | HTMLSelectElement;
    if (f.kind === 'select') {
      const choices: Choice[] = f.choices ?? (f.options ?? []).map((o) => ({ value: o, label: o }));
      input = h('select', { id, name: f.key }, ...choices.map((c) => h('option', { value: c.value, selected: c.value === value, class: c.unknown ? 'unknown' : undefined }, c.label)));
    } else {
      input = h('input', { id, name: f.key, type: f.kind === 'number' ? 'number' : 'text', value, step: f.step, placeholder: f.placeholder, spellcheck: 'false', autocomplete: 'off' });
    }
    inputs.set(f.key, input);
    const msg = h('div', { class: 'field-error', id: `${id}-error`, role: 'alert' });
    messages.set(f.key, msg);
    return h('div', { class: 'field' }, h('label', { for: id }, f.label), input, f.help ? h('div', { class: 'help' }, f.help) : null, msg);
  });
  const values = (): Values => {
    const out: Values = {};
    for (const f of fields) {
      const raw = inputs.get(f.key)!.value;
      out[f.key] = f.kind === 'number' && raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    }
    return out;
  };
  const showErrors = (errors: Record<string, string>) => {
    for (const [key, el] of messages) {
      el.textContent = errors[key] ?? '';
      inputs.get(key)!.classList.toggle('invalid', Boolean(errors[key]));
    }
  };
  for (const input of inputs.values()) input.addEventListener('input', () => showErrors(validateSection(config, section, values())));
  const form = h(
    'form',
    {
      class: 'card',
      novalidate: true,
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        const v = values();
        const errors = validateSection(config, section, v);
        showErrors(errors);
        if (Object.keys(errors).length === 0) onSave(v);
      },
    },
    ...rows,
    ...extra,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: `${section}-save` }, 'Save')),
  );
  return { element: form, values, showErrors };
}
