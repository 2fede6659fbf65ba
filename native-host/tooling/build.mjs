// Builds the extension for Chromium-family browsers and Firefox from one manifest, and
// bundles the native host and command line for Node. Usage: node build.mjs [--quiet]
import { build } from 'esbuild';
import { cp, mkdir, readFile, readdir, rm, writeFile, chmod, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = path.join(root, 'dist');
const quiet = process.argv.includes('--quiet');

/** Firefox needs a gecko id and `background.scripts` beside `service_worker`; it rejects `key`. */
const FIREFOX_ID = 'cachet@cachet-smime.org';

async function exists(p) {
  try { await stat(p); return true; } catch { return false; }
}

/**
 * UI pages live in src/ui/pages/<name>/index.tsx and become <name>.html + pages/<name>.js.
 * A page module exports `mount(root, platform)`; src/ is platform-free, so the entry that
 * creates the platform (webextension-polyfill) and calls mount is generated here from
 * background/page-platform.ts.
 */
async function uiPages() {
  const dir = path.join(root, 'src/ui/pages');
  if (!(await exists(dir))) return [];
  const names = await readdir(dir);
  const pages = [];
  for (const name of names) {
    const entry = path.join(dir, name, 'index.tsx');
    if (await exists(entry)) pages.push({ name, entry, boot: await exists(path.join(dir, name, 'boot.ts')) });
  }
  return pages;
}

/**
 * A page may also have src/ui/pages/<name>/boot.ts, exporting `boot(post)`: it becomes
 * pages/<name>-boot.js, a classic script run first in the page's head, before the
 * stylesheet and the bundle load (work the page wants started at once).
 */
function pageHtml(name, boot) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${boot ? `<script src="pages/${name}-boot.js"></script>\n` : ''}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cachet</title>
<link rel="stylesheet" href="pages/${name}.css">
</head>
<body>
<div id="app"></div>
<script type="module" src="pages/${name}.js"></script>
</body>
</html>
`;
}

/**
 * An esbuild plugin that resolves `<namespace>:<page name>` to an entry generated here,
 * `contents(name)`: the pages' code in src/ is platform-free, and the entry joins it to
 * the browser side in background/.
 */
function generatedPageEntries(namespace, contents) {
  return {
    name: namespace,
    setup(b) {
      b.onResolve({ filter: new RegExp(`^${namespace}:`) }, (args) => ({ path: args.path.slice(namespace.length + 1), namespace }));
      b.onLoad({ filter: /.*/, namespace }, (args) => ({ resolveDir: root, loader: 'ts', contents: contents(args.path) }));
    },
  };
}

const pageEntries = generatedPageEntries('cachet-page', (name) => `import { mount } from ${JSON.stringify(`./src/ui/pages/${name}/index`)};
import { pagePlatform } from './background/page-platform';
const app = document.getElementById('app');
if (app) mount(app, pagePlatform());
`);

const pageBootEntries = generatedPageEntries('cachet-page-boot', (name) => `import { boot } from ${JSON.stringify(`./src/ui/pages/${name}/boot`)};
import { bootPost } from './background/page-boot';
boot(bootPost());
`);

async function buildExtension(target) {
  const out = path.join(dist, target);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const common = {
    bundle: true, minify: true, sourcemap: false, legalComments: 'none', logLevel: quiet ? 'error' : 'warning',
    target: target === 'firefox' ? ['firefox142'] : ['chrome116'],
    define: { CACHET_TARGET: JSON.stringify(target) },
  };
  await build({ ...common, entryPoints: { 'background/main': path.join(root, 'background/main.ts') }, outdir: out, format: 'esm' });
  await build({
    ...common,
    entryPoints: { 'content/main': path.join(root, 'content/main.ts'), 'content/page-world': path.join(root, 'content/page-world.ts') },
    outdir: out, format: 'iife',
  });
  const pages = await uiPages();
  if (pages.length) {
    await build({
      ...common,
      entryPoints: Object.fromEntries(pages.map((p) => [`pages/${p.name}`, `cachet-page:${p.name}`])),
      outdir: out, format: 'esm', jsx: 'automatic', jsxImportSource: 'preact', loader: { '.css': 'css' },
      plugins: [pageEntries],
    });
    const boots = pages.filter((p) => p.boot);
    if (boots.length) {
      await build({
        ...common,
        entryPoints: Object.fromEntries(boots.map((p) => [`pages/${p.name}-boot`, `cachet-page-boot:${p.name}`])),
        outdir: out, format: 'iife', plugins: [pageBootEntries],
      });
    }
    for (const p of pages) await writeFile(path.join(out, `${p.name}.html`), pageHtml(p.name, p.boot));
    for (const p of pages) {
      const css = path.join(out, 'pages', `${p.name}.css`);
      if (!(await exists(css))) await writeFile(css, '');
    }
  }
  await cp(path.join(root, 'src/ui/icons'), path.join(out, 'icons'), { recursive: true });
  await cp(path.join(root, 'src/ui/locales'), path.join(out, '_locales'), { recursive: true });
  await cp(path.join(root, 'src/policy/managed-schema.json'), path.join(out, 'managed-schema.json'));
  const manifest = JSON.parse(await readFile(path.join(root, 'manifest.json'), 'utf8'));
  if (target === 'firefox') {
    delete manifest.key;
    delete manifest.minimum_chrome_version;
    // Firefox runs the background as an event page and ignores service_worker.
    const { service_worker: worker, ...background } = manifest.background;
    manifest.background = { ...background, scripts: [worker] };
    // Nothing goes to Cachet's makers or to third parties. What leaves the browser goes,
    // at the user's command, to the services the user chose: their own mail servers and
    // provider APIs (Gmail, Microsoft Graph, JMAP) with their own sign-in, and the CRL and
    // issuer URLs their correspondents' certificates name. Hence "none" (reviewed when the
    // provider transports were added).
    manifest.browser_specific_settings = { gecko: { id: FIREFOX_ID, strict_min_version: '142.0', data_collection_permissions: { required: ['none'] } } };
    if (manifest.permissions) manifest.permissions = manifest.permissions.filter((p) => p !== 'offscreen');
  }
  await writeFile(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return out;
}

/** How long chunks that a build no longer writes are kept for processes started before it. */
const STALE_CHUNK_MS = 24 * 60 * 60 * 1000;

async function buildNativeHost() {
  const out = path.join(dist, 'native-host');
  await mkdir(out, { recursive: true });
  const entries = { cachet: path.join(root, 'native-host/cli/main.ts') };
  if (await exists(path.join(root, 'native-host/host/main.ts'))) entries.host = path.join(root, 'native-host/host/main.ts');
  // Split: each command's and each lazily loaded host service's code (and the libraries it
  // alone uses) goes into chunks imported when needed, so a start loads little (issue 16).
  // The chunks sit beside the entries: whatever starts cachet.mjs or host.mjs in place
  // finds them, and import.meta.url resolves the same from a chunk as from an entry.
  const { metafile } = await build({
    entryPoints: entries, outdir: out, outExtension: { '.js': '.mjs' }, bundle: true, platform: 'node', format: 'esm',
    splitting: true, chunkNames: '[name]-[hash]', metafile: true, absWorkingDir: root,
    target: ['node20'], logLevel: quiet ? 'error' : 'warning', sourcemap: 'linked',
    // Native addons cannot be bundled; they resolve from the project's node_modules.
    external: ['pkcs11js', 'graphene-pk11'],
    banner: { js: "import { createRequire as __cachetRequire } from 'node:module'; const require = __cachetRequire(import.meta.url);" },
  });
  await chmod(path.join(out, 'cachet.mjs'), 0o755);
  // A host started before this build imports chunks when it first needs them (mail on the
  // first send): the files this build did not write are removed only once they are a day
  // old, not pulled from under a browser's running host. Same-named chunks are rewritten.
  const written = new Set(Object.keys(metafile.outputs).map((file) => path.resolve(root, file)));
  for (const name of await readdir(out)) {
    const file = path.join(out, name);
    if (!written.has(file) && Date.now() - (await stat(file)).mtimeMs > STALE_CHUNK_MS) await rm(file, { force: true });
  }
  return out;
}

const [chrome, firefox, host] = [await buildExtension('chrome'), await buildExtension('firefox'), await buildNativeHost()];
if (!quiet) {
  console.log(`extension (Chrome, Chromium, Edge): ${chrome}`);
  console.log(`extension (Firefox):                ${firefox}`);
  console.log(`native host and command line:       ${host}`);
}
