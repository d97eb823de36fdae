// Builds mq-dashboard's page: src/web/main.tsx -> dist/web/assets/app.js (+ app.css, with uPlot's CSS) and
// dist/web/index.html. The package ships these built files, so the dashboard works offline with nothing fetched
// from a CDN or a font service.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
const assets = join(out, 'assets');
mkdirSync(assets, { recursive: true });

await build({
  absWorkingDir: root,
  entryPoints: { app: 'src/web/main.tsx' },
  outdir: assets,
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  sourcemap: 'external',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: 'tsconfig.web.json',
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(join(root, 'src', 'web', 'index.html'), join(out, 'index.html'));

const budget = 250 * 1024;
const gz = gzipSync(readFileSync(join(assets, 'app.js'))).length;
const cssGz = gzipSync(readFileSync(join(assets, 'app.css'))).length;
process.stdout.write(`dist/web/assets/app.js: ${(gz / 1024).toFixed(1)} KB gzipped (budget 250 KB); app.css: ${(cssGz / 1024).toFixed(1)} KB gzipped\n`);
if (gz >= budget) {
  process.stderr.write('build-web: the page\'s JavaScript is over its 250 KB gzipped budget\n');
  process.exit(1);
}
