// `jett demo`'s verdict: a packet around the tunnel fails it like a lost event does; which n8n ran is reported, not judged.
import { describe, expect, it } from 'vitest';
import { DemoResultSchema, demoMisses, type DemoResult } from '../../../main/harness/demo/result.js';

const clean: DemoResult = {
  events_sent: 2020,
  events_on_vps: 2020,
  lost: 0,
  duplicated: 0,
  reordered: 0,
  heartbeat_s: 2,
  cut_s: 8.2,
  offline_detected_s: 5.69,
  resync_s: 1.02,
  inbox_delivered: 1,
  inbox_answered: 1,
  back_online: true,
  n8n: 'real',
  egress_other_packets: 0,
};

describe('the demo result', () => {
  it('meets its goals when nothing is lost and nothing leaves around the tunnel, with either n8n', () => {
    expect(demoMisses(clean)).toEqual([]);
    expect(demoMisses({ ...clean, n8n: 'stand-in' })).toEqual([]);
  });

  it('fails on a single packet around the tunnel, and says so', () => {
    expect(demoMisses({ ...clean, egress_other_packets: 1 })).toEqual(['1 packets left the desktop around the tunnel']);
    expect(demoMisses({ ...clean, lost: 3, inbox_answered: 0 })).toEqual(['3 events lost', 'the queued request was not answered']);
  });

  it('has the n8n and egress fields in its JSON schema', () => {
    expect(DemoResultSchema.safeParse({ ...clean, n8n: 'maybe' }).success).toBe(false);
    const { egress_other_packets: _, ...withoutEgress } = clean;
    expect(DemoResultSchema.safeParse(withoutEgress).success).toBe(false);
  });
});
