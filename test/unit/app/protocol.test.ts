// The jett:// protocol handler: the built renderer's files with the strict CSP, nothing outside its folder.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../main/app/security/csp.js';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from '../../../main/app/security/protocol.js';
import { tempDir } from '../../helpers/tmp.js';

function site() {
  // The site sits one level down, so "../secret.txt" names a real file that must stay out of reach.
  const outer = tempDir('jett-site-');
  const root = path.join(outer, 'site');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Jett</title>');
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(outer, 'secret.txt'), 'outside');
  return { root, serve: createAppProtocolHandler(root) };
}

describe('the app protocol', () => {
  it('serves the window with the strict CSP and the right types', async () => {
    const { serve } = site();
    const res = await serve(new Request('jett://app/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await res.text()).toContain('<title>Jett</title>');
    const js = await serve(new Request('jett://app/assets/app.js'));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('has a CSP without unsafe sources, no network and no framing', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|\*|data:|https?:/);
    for (const d of ["default-src 'none'", "script-src 'self'", "connect-src 'none'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"]) {
      expect(CONTENT_SECURITY_POLICY).toContain(d);
    }
  });

  it('repeats the same policy in the page, less what a meta tag cannot carry', () => {
    const html = fs.readFileSync('renderer/index.html', 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
  });

  it.each([
    'jett://app/../secret.txt',
    'jett://app/%2e%2e/secret.txt',
    'jett://app/assets/..%2f..%2fsecret.txt',
    'jett://app/..%5csecret.txt',
    'jett://other/index.html',
    'jett://app/missing.html',
    'jett://app/assets/app.js.map',
  ])('refuses %s', async (url) => {
    const { serve } = site();
    const res = await serve(new Request(url));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await res.text()).not.toContain('outside');
  });

  it('refuses anything but GET', async () => {
    const { serve } = site();
    expect((await serve(new Request('jett://app/index.html', { method: 'POST', body: 'x' }))).status).toBe(404);
  });

  it('registers the scheme as standard and secure, without bypassing the CSP', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual([{ scheme: 'jett', privileges: expect.objectContaining({ standard: true, secure: true, bypassCSP: false }) }]);
  });
});
