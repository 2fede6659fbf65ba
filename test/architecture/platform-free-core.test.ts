import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// DESIGN.md, Layout: src/ runs unchanged in Node and in the service worker, so it must not
// reach for chrome.*, DOM globals (outside src/ui) or node:* modules. The lint rule says
// the same; this test keeps the rule honest if the lint configuration ever drifts.
const root = fileURLToPath(new URL('../..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

const importPattern = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const nodeBuiltins = /^(node:|fs$|path$|os$|child_process$|crypto$|stream$|buffer$|net$|tls$|https?$|url$|util$|zlib$)/;
const platformGlobals = /\b(chrome|browser|document|window|localStorage|indexedDB)\s*\.|\bnew\s+XMLHttpRequest\b|\bprocess\.(env|argv|exit)/;

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('src/ is platform-free', () => {
  const files = sourceFiles(path.join(root, 'src'));

  it('finds the core sources', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    const rel = path.relative(root, file);
    it(`${rel} imports no Node built-ins or extension APIs`, () => {
      const source = readFileSync(file, 'utf8');
      const specifiers = [...source.matchAll(importPattern)].map((m) => m[1] ?? m[2] ?? '');
      const bad = specifiers.filter((s) => nodeBuiltins.test(s) || s === 'webextension-polyfill');
      expect(bad).toEqual([]);
    });
    if (!rel.startsWith(path.join('src', 'ui'))) {
      it(`${rel} uses no browser or Node globals`, () => {
        const code = stripComments(readFileSync(file, 'utf8'));
        expect(code.match(platformGlobals)?.[0]).toBeUndefined();
      });
    }
  }
});
