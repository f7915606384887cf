// Status: live tunnel stats, outbox and inbox, heartbeat, voice and hotkey, and the last turns' latencies; a service
// not set up yet reads "Not configured" with its next step.
import type { StatusView } from '../../../main/core/contracts/ipc.js';
import { api, unwrap } from '../bridge.js';
import { h, svg } from '../dom.js';
import { ago, bytes, ms, notConfigured } from '../format.js';
import type { Store } from '../state.js';
import { fail, say } from '../toast.js';

const TUNNEL_WORDS: Record<StatusView['snapshot']['tunnel']['state'], string> = {
  unconfigured: 'Not configured',
  up: 'Up',
  degraded: 'Degraded',
  connecting: 'Connecting',
  lost: 'Lost',
  down: 'Down',
};

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function row(label: string, value: string, id?: string): HTMLElement {
  return h('div', { class: 'kv' }, h('span', { class: 'k' }, label), h('span', { class: 'v', id }, value));
}

/**
 * A bar per turn (oldest left), with the 500 ms goal drawn across, on labelled axes: the y axis is the wait from the
 * end of speech to the first audio in ms, with ticks; the x axis the last turns in order.
 */
export function latencyChart(turns: StatusView['turns']): Element {
  const width = 560;
  const height = 160;
  // Room for the y axis's tick labels and title on the left, the x axis's title below.
  const left = 52;
  const bottom = 26;
  const plotW = width - left - 6;
  const plotH = height - bottom - 8;
  const goal = 500;
  const values = turns.map((t) => t.speechEndToAudioMs);
  const top = Math.max(goal * 1.4, ...values.map((v) => v ?? 0));
  const y = (v: number) => height - bottom - (v / top) * plotH;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', id: 'latency-chart', role: 'img', 'aria-label': 'speech end to first audio, in ms, of the last turns' });
  const text = (attrs: Record<string, string | number>, content: string) => {
    const t = svg('text', attrs);
    t.textContent = content;
    chart.append(t);
  };
  chart.append(svg('line', { x1: left, x2: left, y1: 4, y2: height - bottom, class: 'axis', id: 'latency-y-axis' }));
  chart.append(svg('line', { x1: left, x2: width - 6, y1: height - bottom, y2: height - bottom, class: 'axis', id: 'latency-x-axis' }));
  for (const tick of [0, 250, 500, 750, 1000, 1500, 2000, 3000, 5000].filter((v) => v <= top)) {
    chart.append(svg('line', { x1: left - 4, x2: left, y1: y(tick), y2: y(tick), class: 'axis' }));
    text({ x: left - 6, y: y(tick) + 3, 'text-anchor': 'end', class: 'tick-label' }, String(tick));
  }
  text({ x: 12, y: (height - bottom) / 2, 'text-anchor': 'middle', class: 'axis-label', id: 'latency-y-label', transform: `rotate(-90 12 ${(height - bottom) / 2})` }, 'ms to first audio');
  text({ x: left + plotW / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis-label', id: 'latency-x-label' }, `last ${values.length} turns, oldest to newest`);
  const slot = plotW / Math.max(values.length, 10);
  values.forEach((v, i) => {
    const barH = v === null ? 4 : Math.max(2, (v / top) * plotH);
    chart.append(
      svg('rect', {
        x: left + i * slot + slot * 0.15,
        y: height - bottom - barH,
        width: slot * 0.7,
        height: barH,
        class: v === null ? 'bar none' : v <= goal ? 'bar good' : 'bar slow',
      }),
    );
  });
  const gy = y(goal);
  chart.append(svg('line', { x1: left, x2: width - 6, y1: gy, y2: gy, class: 'goal' }));
  text({ x: width - 8, y: gy - 4, 'text-anchor': 'end', class: 'goal-label' }, '500 ms goal');
  return chart;
}

export function statusScreen(store: Store): HTMLElement {
  const { snapshot: s, hotkey, turns } = store.state.status;
  const t = s.tunnel;
  const setup = s.setup;
  const unset = (what: 'sync' | 'heartbeat' | 'voice', id: string) => (setup && !setup[what].configured ? h('div', { class: 'notice', id }, notConfigured(setup[what])) : null);
  const tunnelUp = t.state === 'up' || t.state === 'degraded';
  const act = (what: string, fn: () => Promise<StatusView>) => async () => {
    try {
      store.setStatus(await fn());
      say(what);
    } catch (err) {
      fail(err);
    }
  };
  const link = (target: 'n8n' | 'portainer') => async () => {
    try {
      const r = await unwrap(api().links.open(target));
      if (r.opened) say(`Opened ${target} in the browser`);
      else fail(new Error(r.reason ?? `cannot open ${target}`));
    } catch (err) {
      fail(err);
    }
  };
  const last = turns.at(-1);
  return h(
    'section',
    { class: 'screen', id: 'screen-status' },
    h('h1', {}, 'Status'),
    h(
      'div',
      { class: 'grid' },
      h(
        'div',
        { class: 'card' },
        h('h2', {}, 'Tunnel ', h('span', { class: `pill ${t.state}`, id: 'tunnel-state' }, TUNNEL_WORDS[t.state])),
        t.state === 'unconfigured' && setup && !setup.tunnel.configured ? h('div', { class: 'notice', id: 'tunnel-setup-state' }, notConfigured(setup.tunnel)) : row('Why', t.reason || '–'),
        row('Endpoint', t.endpoint ?? 'not set'),
        row('Last handshake', ago(t.handshakeAgeS), 'handshake-age'),
        row('Probe round trip', ms(t.probeRttMs)),
        row('Received / sent', `${bytes(t.rxBytes)} / ${bytes(t.txBytes)}`),
        // Not root: the tunnel runs from what the privileged setup installed; say when the settings moved on since.
        s.tunnelSetup && s.tunnelSetup.state !== 'current'
          ? h('div', { class: 'warning', id: 'tunnel-setup-state' }, `${capital(s.tunnelSetup.message)}. ${capital(s.tunnelSetup.fix ?? '')}`)
          : null,
        h(
          'div',
          { class: 'actions' },
          t.state === 'unconfigured'
            ? null
            : t.state === 'down' || t.state === 'lost'
            ? h('button', { class: 'primary', id: 'tunnel-up', onclick: act('Tunnel coming up', () => unwrap(api().tunnel.up())) }, 'Connect')
            : h('button', { id: 'tunnel-down', onclick: act('Tunnel going down', () => unwrap(api().tunnel.down())) }, 'Disconnect'),
          h('button', { id: 'open-n8n', disabled: !tunnelUp, title: tunnelUp ? '' : 'only while the tunnel is up', onclick: link('n8n') }, 'Open n8n'),
          h('button', { id: 'open-portainer', disabled: !tunnelUp, title: tunnelUp ? '' : 'only while the tunnel is up', onclick: link('portainer') }, 'Open Portainer'),
        ),
      ),
      h(
        'div',
        { class: 'card' },
        h('h2', {}, 'Outbox and inbox'),
        unset('sync', 'sync-setup-state'),
        row('Waiting to send', String(s.outbox.pending), 'outbox-pending'),
        row('Oldest waiting', ago(s.outbox.oldestPendingAgeS)),
        row('Given up (dead)', String(s.outbox.dead)),
        row('Last sent', s.outbox.lastSuccessAt ?? 'never'),
        row('Queued by the VPS', String(s.inbox.pending), 'inbox-pending'),
        unset('heartbeat', 'heartbeat-setup-state'),
        row('Last heartbeat', s.heartbeat.lastSentAt ?? 'never'),
        row('Heartbeat failures', String(s.heartbeat.failures)),
      ),
      h(
        'div',
        { class: 'card wide' },
        h('h2', {}, 'Voice ', h('span', { class: `pill voice-${s.voice.state}`, id: 'voice-state' }, setup && !setup.voice.configured ? 'not configured' : s.voice.state)),
        unset('voice', 'voice-setup-state'),
        hotkey.registered
          ? row('Hotkey', `${hotkey.accelerator} starts or ends a turn`, 'hotkey-state')
          : h('div', { class: 'warning', id: 'hotkey-state' }, `Hotkey unavailable: ${hotkey.error ?? 'not registered'}`),
        row('Last turn', last ? `${ms(last.speechEndToAudioMs)} from end of speech to reply audio` : 'no turn yet', 'last-turn'),
        latencyChart(turns),
        h(
          'div',
          { class: 'actions' },
          h('button', { class: 'primary', id: 'voice-toggle', disabled: s.voice.state === 'off', onclick: act('Voice toggled', () => unwrap(api().voice.toggle())) }, s.voice.state === 'listening' ? 'Stop listening' : 'Start a voice turn'),
        ),
      ),
    ),
  );
}
