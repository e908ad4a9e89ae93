// The webview page a capture is shown in: a Content-Security-Policy that allows no inline or
// remote code, one script allowed by a nonce that changes on every render, and resource roots
// limited to the extension's dist/ and media/ (not its root, which holds sources and node_modules).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { contentSecurityPolicy, newNonce, pageHtml, RESOURCE_DIRS } from '../../../src/extension/webviewPage';

const ROOT = ((): string => {
  let d = __dirname;
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
})();

// What VS Code passes: webview.cspSource and asWebviewUri results look like this.
const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const EXT = '/home/user/.vscode/extensions/synscope.synscope-0.1.0';
const uri = (rel: string) => `${CSP_SOURCE}${EXT}/${rel}`;

function render(title = 'capture.pcapng', nonce = newNonce()) {
  return { nonce, html: pageHtml({ nonce, cspSource: CSP_SOURCE, scriptUri: uri('dist/webview.js'), styleUri: uri('dist/webview.css'), title }) };
}

/** The policy as the page declares it: directive → sources. */
function policyOf(html: string): Map<string, string[]> {
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)];
  assert.equal(metas.length, 1, 'exactly one CSP meta tag');
  const map = new Map<string, string[]>();
  for (const d of metas[0][1].split(';').map((s) => s.trim()).filter(Boolean)) {
    const [name, ...sources] = d.split(/\s+/);
    assert.ok(!map.has(name), `directive ${name} twice`);
    map.set(name, sources);
  }
  return map;
}

test('CSP: default-src none, no unsafe-inline/unsafe-eval, nothing remote, script only by nonce', () => {
  const { nonce, html } = render();
  const csp = policyOf(html);
  assert.deepEqual(csp.get('default-src'), ["'none'"]);
  assert.deepEqual(csp.get('script-src'), [`'nonce-${nonce}'`], 'scripts: the nonce and nothing else');
  for (const [name, sources] of csp) {
    for (const s of sources) {
      assert.ok(!/unsafe-|strict-dynamic|wasm/i.test(s), `${name} allows ${s}`);
      assert.ok(s === "'none'" || s === CSP_SOURCE || s === 'data:' || s === `'nonce-${nonce}'`, `${name} allows ${s}: only the webview's own resources`);
      assert.ok(!/^(https?:|\*|ws)/.test(s) || s === CSP_SOURCE, `${name} allows remote ${s}`);
    }
  }
  // data: only for images (icons inside CSS), never for scripts, styles or frames.
  for (const [name, sources] of csp) if (name !== 'img-src') assert.ok(!sources.includes('data:'), `${name} allows data:`);
  assert.ok(!csp.has('frame-src') && !csp.has('connect-src') && !csp.has('child-src'), 'no frames or connections (default none)');
});

test('the page has one script, loaded from dist/ with the nonce; no inline script, style or handler', () => {
  const { nonce, html } = render();
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0][1], new RegExp(`nonce="${nonce.replace(/[+/=]/g, (c) => `\\${c}`)}"`));
  assert.match(scripts[0][1], new RegExp(`src="${uri('dist/webview.js').replace(/[.+]/g, '\\$&')}"`));
  assert.equal(scripts[0][2].trim(), '', 'no inline code');
  assert.doesNotMatch(html, /<style\b|\sstyle=|\son\w+=|javascript:/i);
  for (const m of html.matchAll(/\s(?:src|href)="([^"]*)"/g)) {
    const inRoot = RESOURCE_DIRS.some((d) => m[1].startsWith(`${CSP_SOURCE}${EXT}/${d}/`));
    assert.ok(inRoot, `${m[1]} is outside the resource roots`);
  }
});

test('a fresh nonce for every render: 128 bits, never repeated', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const n = newNonce();
    assert.equal(Buffer.from(n, 'base64').length, 16);
    assert.ok(!seen.has(n));
    seen.add(n);
  }
  assert.notEqual(render().nonce, render().nonce);
  assert.notEqual(render().html, render().html);
});

test('localResourceRoots are the extension\'s dist/ and media/ only, set in one place', () => {
  assert.deepEqual([...RESOURCE_DIRS].sort(), ['dist', 'media']);
  // The vscode half (not loadable here) must take its roots from RESOURCE_DIRS, and nothing else
  // in the extension may widen them.
  const dir = join(ROOT, 'src', 'extension');
  const setters = readdirSync(dir).filter((f) => /localResourceRoots\s*:/.test(readFileSync(join(dir, f), 'utf8')));
  assert.deepEqual(setters, ['webviewHtml.ts']);
  assert.match(readFileSync(join(dir, 'webviewHtml.ts'), 'utf8'), /localResourceRoots:\s*RESOURCE_DIRS\.map\(\(d\) => vscode\.Uri\.joinPath\(extensionUri, d\)\)/);
});

test('a hostile file name in the title is text, not markup', () => {
  const { html } = render('"><script>alert(1)</script><img src=x onerror=alert(1)>.pcap');
  assert.equal((html.match(/<script\b/g) ?? []).length, 1);
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /<title>&#34;&#62;&#60;script&#62;alert\(1\)&#60;\/script&#62;/);
});

test('the policy is the same string the page carries', () => {
  const { nonce, html } = render();
  assert.ok(html.includes(`content="${contentSecurityPolicy(nonce, CSP_SOURCE)}"`));
});
