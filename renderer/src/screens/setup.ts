// Setup: the first-run checklist main computes (WireGuard, keys, VPS bundle, VPS peer, privileged setup, connect,
// audit live, speech models, Ollama, a first voice turn), each step with its state and its one action; the list is asked for again after
// every action, so what it shows is main's answer, never the window's guess.
import type { LiveAuditReport } from '../../../main/core/contracts/vps.js';
import type { SetupStep, SetupView } from '../../../main/core/contracts/setup.js';
import { api, unwrap } from '../bridge.js';
import { h } from '../dom.js';
import type { Store } from '../state.js';
import { fail, say } from '../toast.js';

/** "a", "a and b", "a, b and c". */
function listed(names: string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

const STATE_WORDS: Record<SetupStep['state'], string> = { done: 'Done', todo: 'To do', blocked: 'Waiting', error: 'Failed' };
const PILL: Record<SetupStep['state'], string> = { done: 'up', todo: 'degraded', blocked: '', error: 'down' };

export interface SetupScreenDeps {
  store: Store;
  /** Opens another tab (the models steps' action). */
  navigate(screen: 'models' | 'tunnel'): void;
}

function auditTable(report: LiveAuditReport): HTMLElement {
  return h(
    'table',
    { class: 'models audit', id: 'setup-audit-report' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Check'), h('th', {}, 'Result'), h('th', {}, 'Detail'))),
    h('tbody', {}, ...report.checks.map((c) => h('tr', { class: `audit-${c.status}` }, h('td', {}, c.name), h('td', {}, h('span', { class: `pill ${c.status === 'ok' ? 'up' : c.status === 'fail' ? 'down' : ''}` }, c.status)), h('td', {}, c.fix ? `${c.detail} (fix: ${c.fix})` : c.detail)))),
  );
}

// Kept across redraws of the screen (a status push redraws it): what an action left beside its step (the sudo
// command, the audit's table), and the pasted text not yet saved.
const extras = new Map<SetupStep['id'], HTMLElement>();
let peerText = '';

export function setupScreen(deps: SetupScreenDeps): HTMLElement {
  const list = h('ol', { class: 'setup-steps', id: 'setup-steps' });
  const progress = h('p', { id: 'setup-progress', class: 'help' }, 'Checking…');

  const load = async (): Promise<void> => {
    try {
      draw(await unwrap(api().setup.get()));
    } catch (err) {
      fail(err);
    }
  };
  // Runs an action, then shows main's new list (the reply's when it carries one).
  const act = async (run: () => Promise<SetupView | null>): Promise<void> => {
    try {
      const view = await run();
      if (view) draw(view);
      else await load();
    } catch (err) {
      fail(err);
      await load();
    }
  };

  const actions: Partial<Record<SetupStep['id'], () => Promise<SetupView | null>>> = {
    keys: async () => {
      deps.store.setSettings(await unwrap(api().tunnel.generateKeys(false)));
      say('Keys generated: the private key is kept by main and never shown');
      return null;
    },
    bundle: async () => {
      const r = await unwrap(api().setup.vpsBundle());
      if (!r.canceled) say(`Saved ${r.fileCount} files to ${r.dir}${r.storedSecrets.length ? `; stored ${listed(r.storedSecrets)} in the secret store` : ''}. Copy the folder to the VPS and run sudo bash install.sh there.`);
      return r.view;
    },
    peer: async () => {
      const r = await unwrap(api().setup.vpsPeer(peerText));
      peerText = '';
      deps.store.setSettings(await unwrap(api().settings.get()));
      say(`VPS peer ${r.peerFingerprint} at ${r.endpoint} saved${r.warnings.length ? ` (warning: ${r.warnings.join('; ')})` : ''}`);
      return r.view;
    },
    privileged: async () => {
      const r = await unwrap(api().setup.privileged());
      if (r.outcome === 'manual' && r.command) {
        extras.set('privileged', h('div', { class: 'warning' }, 'Run this once in a terminal (it asks for your password), then press Check again:', h('pre', { id: 'setup-privileged-command' }, r.command)));
      } else {
        extras.delete('privileged');
        say(r.outcome === 'sign-in-again' ? 'Tunnel service set up: sign out of Windows and in again, then connect' : 'The tunnel is set up for these keys and this VPS');
      }
      return r.view;
    },
    connect: async () => {
      deps.store.setStatus(await unwrap(api().tunnel.up()));
      say('Connecting: the step turns done once the VPS answers through the tunnel');
      return null;
    },
    voice: async () => {
      deps.store.setStatus(await unwrap(api().voice.toggle()));
      say('Listening: say something; the step turns done once the reply is spoken');
      return null;
    },
    audit: async () => {
      const r = await unwrap(api().setup.auditLive());
      extras.set('audit', auditTable(r.report));
      if (r.report.passed) say('Live audit passed');
      else fail(new Error('Live audit failed: see the checks under the step'));
      return r.view;
    },
  };

  const actionOf = (step: SetupStep): HTMLElement | null => {
    const a = step.action;
    const id = `setup-action-${step.id}`;
    switch (a.kind) {
      case 'none':
        return null;
      case 'command':
        return h('div', { class: 'setup-copy' }, h('span', { class: 'help' }, a.label), h('pre', { id }, a.text));
      case 'link':
        return h('div', { class: 'setup-copy' }, h('span', { class: 'help' }, a.label), h('pre', { id }, a.url));
      case 'screen':
        return h('button', { id, onclick: () => deps.navigate(a.screen) }, a.label);
      case 'button': {
        const run = actions[step.id];
        if (!run) return null;
        const button = h('button', { id, class: step.state === 'done' ? 'small' : 'primary' }, a.label);
        button.addEventListener('click', () => {
          button.setAttribute('disabled', '');
          void act(run).finally(() => button.removeAttribute('disabled'));
        });
        if (step.id !== 'peer') return button;
        const area = h('textarea', { id: 'setup-peer-text', rows: 3, spellcheck: 'false', placeholder: 'jett tunnel peer --public-key … --endpoint …:51820' });
        area.value = peerText;
        area.addEventListener('input', () => void (peerText = area.value));
        return h('div', { class: 'setup-peer' }, h('label', { for: 'setup-peer-text', class: 'help' }, 'What install.sh printed on the VPS (all of it, or its last line):'), area, button);
      }
    }
  };

  const draw = (view: SetupView): void => {
    progress.textContent = view.next === null ? `All ${view.total} steps done: the tunnel is up and audited, voice is ready.` : `${view.done} of ${view.total} done`;
    list.replaceChildren(
      ...view.steps.map((step) =>
        h(
          'li',
          { class: `setup-step ${step.state}`, id: `setup-step-${step.id}`, 'data-state': step.state },
          h('div', { class: 'setup-head' }, h('span', { class: `pill ${PILL[step.state]}`, id: `setup-state-${step.id}` }, STATE_WORDS[step.state]), h('strong', {}, step.title)),
          h('div', { class: 'help', id: `setup-detail-${step.id}` }, step.detail),
          step.error ? h('div', { class: 'field-error', id: `setup-error-${step.id}` }, step.error.message, h('div', {}, `Fix: ${step.error.fix}`)) : null,
          step.state === 'blocked' ? null : actionOf(step),
          extras.get(step.id) ?? null,
        ),
      ),
    );
    list.setAttribute('data-done', String(view.done));
  };

  const refresh = h('button', { id: 'setup-refresh', onclick: () => void act(async () => null) }, 'Check again');
  void load();
  return h(
    'section',
    { class: 'screen', id: 'screen-setup' },
    h('h1', {}, 'Setup'),
    h('p', {}, 'From nothing to a working, audited tunnel and a first voice turn, without a terminal on this desktop. Each step says what it needs; press its button.'),
    h('div', { class: 'inline' }, progress, refresh),
    list,
  );
}
