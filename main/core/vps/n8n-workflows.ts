// The n8n workflows the bundle ships, rendered from resources/vps/n8n: each keeps the stable id that install.sh
// activates it by, gets the versionId n8n's import needs (derived from its content, so a changed workflow gets a new
// one), and the offline detector runs on the schedule asked for (every minute on a VPS; `jett demo` sets its own).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { JettError } from '../errors.js';

/** A VPS checks presence every minute: with a 60 s heartbeat, "offline" shows 3 to 4 minutes after the last one. */
export const DEFAULT_DETECTOR_EVERY_S = 60;

/** The ids of the two credentials the workflows name; install.sh imports them with these ids. */
export const N8N_CREDENTIAL_IDS = { postgres: 'jett-postgres', desktopToken: 'jett-desktop-token' } as const;

export interface WorkflowOptions {
  /** Seconds between runs of the offline detector: 1 to 59, or whole minutes up to an hour. */
  detectorEveryS: number;
}

export interface RenderedWorkflow {
  /** The file name, as in resources/vps/n8n. */
  file: string;
  /** The workflow's id in n8n (`n8n update:workflow --id=ID`). */
  id: string;
  name: string;
  text: string;
}

interface WorkflowNode {
  type: string;
  parameters: Record<string, unknown>;
}

interface Workflow {
  id?: unknown;
  name?: unknown;
  versionId?: unknown;
  active?: boolean;
  nodes: WorkflowNode[];
}

export class WorkflowError extends JettError {}

/** n8n's Schedule Trigger rule for "every N seconds" (below a minute) or "every N minutes". */
function scheduleRule(everyS: number): Record<string, unknown> {
  if (Number.isInteger(everyS) && everyS >= 1 && everyS < 60) return { interval: [{ field: 'seconds', secondsInterval: everyS }] };
  if (Number.isInteger(everyS) && everyS % 60 === 0 && everyS >= 60 && everyS <= 3600) return { interval: [{ field: 'minutes', minutesInterval: everyS / 60 }] };
  throw new WorkflowError(`the offline detector cannot run every ${everyS} s`, 'give 1 to 59 seconds, or whole minutes up to 3600 s');
}

/** A UUID-shaped version id from the workflow's content: the same content always imports with the same versionId. */
function versionIdOf(wf: Workflow): string {
  const h = createHash('sha256').update(JSON.stringify({ ...wf, versionId: undefined })).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Every workflow of `dir` (resources/vps/n8n), rendered for import; an absent folder has none. */
export function renderWorkflows(dir: string, opts: WorkflowOptions): RenderedWorkflow[] {
  if (!fs.existsSync(dir)) return [];
  const rule = scheduleRule(opts.detectorEveryS);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const wf = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Workflow;
      if (typeof wf.id !== 'string' || !/^[A-Za-z0-9]{1,36}$/.test(wf.id)) {
        throw new WorkflowError(`${file} has no stable "id" (letters and digits)`, 'give the workflow a fixed "id" in resources/vps/n8n: install.sh activates it by that id');
      }
      for (const node of wf.nodes) if (node.type === 'n8n-nodes-base.scheduleTrigger') node.parameters = { ...node.parameters, rule };
      // id first, so install.sh finds it as the one two-space-indented "id" line.
      // Imported inactive (n8n's import needs the field); n8n-setup.sh then activates each by its id.
      const { id, ...rest } = wf;
      const out: Workflow = { id, ...rest, active: false, versionId: '' };
      out.versionId = versionIdOf(out);
      return { file, id, name: String(wf.name), text: `${JSON.stringify(out, null, 2)}\n` };
    });
}
