// The n8n workflow exports: each parses, wires the nodes it names, and calls SQL the server migrations define.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../main/core/config/store.js';
import { N8N_CREDENTIAL_IDS, renderWorkflows } from '../../../main/core/vps/n8n-workflows.js';

interface N8nNode { name: string; type: string; parameters: Record<string, unknown> }
interface N8nWorkflow { name: string; nodes: N8nNode[]; connections: Record<string, { main: { node: string }[][] }> }

const dir = 'resources/vps/n8n';
const load = (file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as N8nWorkflow;
const serverSql = fs.readdirSync('resources/migrations/server').map((f) => fs.readFileSync(path.join('resources/migrations/server', f), 'utf8')).join('\n');

/** The node names reachable from `start` along main connections, in order of discovery. */
function reachable(wf: N8nWorkflow, start: string): string[] {
  const seen = [start];
  for (let i = 0; i < seen.length; i++) {
    for (const out of wf.connections[seen[i]!]?.main ?? []) for (const t of out) if (!seen.includes(t.node)) seen.push(t.node);
  }
  return seen;
}

const byType = (wf: N8nWorkflow, type: string) => wf.nodes.filter((n) => n.type === `n8n-nodes-base.${type}`);

describe('n8n workflows', () => {
  it.each(['heartbeat.json', 'offline-detector.json', 'queue-request.json'])('%s has unique node names and only connects nodes it has', (file) => {
    const wf = load(file);
    const names = wf.nodes.map((n) => n.name);
    expect(new Set(names).size).toBe(names.length);
    for (const [from, outputs] of Object.entries(wf.connections)) {
      expect(names).toContain(from);
      for (const out of outputs.main) for (const t of out) expect(names).toContain(t.node);
    }
  });

  it('heartbeat: the configured webhook path -> jett_record_heartbeat -> an answer', () => {
    const wf = load('heartbeat.json');
    const [hook] = byType(wf, 'webhook');
    expect(`/webhook/${String(hook!.parameters.path)}`).toBe(new URL(DEFAULT_CONFIG.heartbeat.url).pathname);
    expect(hook!.parameters.httpMethod).toBe('POST');
    const chain = reachable(wf, hook!.name).map((n) => wf.nodes.find((x) => x.name === n)!.type);
    expect(chain).toEqual(['n8n-nodes-base.webhook', 'n8n-nodes-base.postgres', 'n8n-nodes-base.respondToWebhook', 'n8n-nodes-base.respondToWebhook']);
    expect(byType(wf, 'postgres')[0]!.parameters.query).toContain('jett_record_heartbeat(');
  });

  it('offline detector: a schedule -> jett_presence_changes -> a branch for offline', () => {
    const wf = load('offline-detector.json');
    const [trigger] = byType(wf, 'scheduleTrigger');
    const chain = reachable(wf, trigger!.name);
    expect(chain).toHaveLength(wf.nodes.length);
    expect(byType(wf, 'postgres')[0]!.parameters.query).toContain('jett_presence_changes()');
    expect(JSON.stringify(byType(wf, 'if')[0]!.parameters)).toContain('"offline"');
  });

  it('queue request: a webhook -> jett_queue_request -> 202 with the request id', () => {
    const wf = load('queue-request.json');
    const [hook] = byType(wf, 'webhook');
    expect(reachable(wf, hook!.name)).toHaveLength(4);
    expect(byType(wf, 'postgres')[0]!.parameters.query).toContain('jett_queue_request(');
  });

  it('every SQL function a workflow calls is defined by a server migration', () => {
    for (const file of fs.readdirSync(dir)) {
      for (const node of byType(load(file), 'postgres')) {
        for (const fn of String(node.parameters.query).match(/\bjett_\w+(?=\()/g) ?? []) {
          expect(serverSql, `${file}: ${fn}`).toMatch(new RegExp(`CREATE OR REPLACE FUNCTION ${fn}\\(`));
        }
      }
    }
  });

  it('webhooks require the desktop token (header auth)', () => {
    for (const file of fs.readdirSync(dir)) for (const hook of byType(load(file), 'webhook')) expect(hook.parameters.authentication).toBe('headerAuth');
  });

  it('renders each for import: its fixed id first, a versionId from its content (n8n refuses a workflow without one)', () => {
    const a = renderWorkflows(dir, { detectorEveryS: 60 });
    expect(a.map((w) => [w.file, w.id])).toEqual([
      ['heartbeat.json', 'JettHeartbeat001'],
      ['offline-detector.json', 'JettOfflineDet01'],
      ['queue-request.json', 'JettQueueReq0001'],
    ]);
    for (const w of a) {
      const wf = JSON.parse(w.text) as { id: string; versionId: string };
      expect(w.text.split('\n')[1]).toBe(`  "id": "${w.id}",`);
      expect(wf.versionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(renderWorkflows(dir, { detectorEveryS: 60 })).toEqual(a);
    const b = renderWorkflows(dir, { detectorEveryS: 2 });
    expect(b.map((w) => JSON.parse(w.text).versionId === JSON.parse(a.find((x) => x.file === w.file)!.text).versionId)).toEqual([true, false, true]);
  });

  it('the offline detector runs on the schedule asked for: seconds below a minute, whole minutes above', () => {
    const rule = (everyS: number) => {
      const wf = JSON.parse(renderWorkflows(dir, { detectorEveryS: everyS }).find((w) => w.file === 'offline-detector.json')!.text) as N8nWorkflow;
      return byType(wf, 'scheduleTrigger')[0]!.parameters.rule;
    };
    expect(rule(60)).toEqual({ interval: [{ field: 'minutes', minutesInterval: 1 }] });
    expect(rule(2)).toEqual({ interval: [{ field: 'seconds', secondsInterval: 2 }] });
    expect(rule(300)).toEqual({ interval: [{ field: 'minutes', minutesInterval: 5 }] });
    for (const bad of [0, 90, 1.5, 7200]) expect(() => rule(bad)).toThrow(/cannot run every/);
  });

  it('the credentials the workflows name are the ones n8n-setup.sh imports, with the same ids', () => {
    const script = fs.readFileSync('resources/vps/n8n-setup.sh', 'utf8');
    const named = new Set<string>();
    for (const file of fs.readdirSync(dir)) {
      for (const node of (load(file).nodes as (N8nNode & { credentials?: Record<string, { id: string; name: string }> })[])) {
        for (const c of Object.values(node.credentials ?? {})) {
          named.add(c.id);
          expect(script).toContain(`"id":"${c.id}","name":"${c.name}"`);
        }
      }
    }
    expect([...named].sort()).toEqual(Object.values(N8N_CREDENTIAL_IDS).sort());
  });

  it('a body the SQL refuses goes down the error branch to a 4xx answer, never to the success answer', () => {
    for (const file of ['heartbeat.json', 'queue-request.json']) {
      const wf = load(file) as N8nWorkflow & { nodes: (N8nNode & { onError?: string })[] };
      const [sql] = byType(wf, 'postgres') as (N8nNode & { onError?: string })[];
      expect(sql!.onError).toBe('continueErrorOutput');
      const [ok, refused] = wf.connections[sql!.name]!.main.map((out) => out.map((t) => wf.nodes.find((n) => n.name === t.node)!));
      expect([ok!.map((n) => n.type), refused!.map((n) => n.type)]).toEqual([['n8n-nodes-base.respondToWebhook'], ['n8n-nodes-base.respondToWebhook']]);
      expect(JSON.stringify(refused![0]!.parameters)).toContain('? 400 : 500');
    }
  });
});
