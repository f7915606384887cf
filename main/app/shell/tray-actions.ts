// What each tray menu item does: connect, disconnect, a voice turn, the window, the [Peer] block, the VPS's web
// pages, the login item and quit; a failure is reported, never thrown into the menu.
import type { App } from 'electron';
import type { AgentHandle } from '../agent-handle.js';
import type { OpenResult } from '../security/open-external.js';
import type { LoginItem } from '../login-item.js';
import type { TrayAction } from '../tray/model.js';
import type { Notify, Report } from './notify.js';

export interface TrayActionDeps {
  app: Pick<App, 'quit'>;
  agent: Pick<AgentHandle, 'tunnelUp' | 'tunnelDown' | 'voiceToggle' | 'voiceHandsFree' | 'status'>;
  refresh: () => Promise<unknown>;
  redrawTray: () => void;
  openSettings: () => void;
  copyPeerBlock: () => Promise<{ presharedKeyIncluded: boolean }>;
  openLink: (what: 'n8n' | 'portainer') => Promise<OpenResult>;
  loginItem: LoginItem;
  notify: Notify;
  report: Report;
}

export function trayActions(deps: TrayActionDeps): (action: TrayAction) => Promise<void> {
  const { agent, notify, report } = deps;
  return async (action) => {
    switch (action) {
      case 'connect':
        return agent.tunnelUp().then(() => void deps.refresh(), report('connect'));
      case 'disconnect':
        return agent.tunnelDown().then(() => void deps.refresh(), report('disconnect'));
      case 'voice-toggle':
        return agent.voiceToggle().catch(report('voice turn'));
      case 'hands-free-toggle':
        // One click: listening pauses when it is on, and resumes when it is paused.
        return agent
          .status()
          .then((s) => agent.voiceHandsFree(s.voice.wake?.listening === 'on'))
          .then(() => void deps.refresh(), report('pause or resume hands-free'));
      case 'open-settings':
        deps.openSettings();
        return;
      case 'copy-peer-block':
        return deps.copyPeerBlock().then(
          (r) => notify('Jett: [Peer] block copied', r.presharedKeyIncluded ? 'It includes the preshared key: paste it only into the VPS wg0.conf.' : 'Paste it into the VPS wg0.conf.'),
          report('copy the [Peer] block'),
        );
      case 'open-n8n':
      case 'open-portainer': {
        const r = await deps.openLink(action === 'open-n8n' ? 'n8n' : 'portainer');
        if (!r.opened) notify('Jett', r.reason ?? 'cannot open it');
        return;
      }
      case 'toggle-login':
        deps.loginItem.set(!deps.loginItem.get());
        deps.redrawTray();
        return;
      case 'quit':
        deps.app.quit();
        return;
    }
  };
}
