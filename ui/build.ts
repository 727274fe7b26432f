/**
 * Builds the three web portals into ui/dist/<portal>, each with its own base path (/publisher/, …), so that
 * whichever component serves a portal serves one self-contained folder. `npm run build:ui`.
 * Scripts and styles are also written compressed (.br, .gz): the node sends those to browsers that take them,
 * without compressing on each request.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

export const PORTALS = ['publisher', 'devportal', 'admin'] as const;

const uiDir = fileURLToPath(new URL('.', import.meta.url));

function compressAssets(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (!/\.(js|css|svg)$/.test(name)) continue;
    const content = readFileSync(`${dir}/${name}`);
    writeFileSync(`${dir}/${name}.gz`, gzipSync(content, { level: 9 }));
    writeFileSync(
      `${dir}/${name}.br`,
      brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    );
  }
}

for (const portal of PORTALS) {
  await build({
    configFile: false,
    root: `${uiDir}${portal}`,
    base: `/${portal}/`,
    plugins: [react()],
    logLevel: 'warn',
    build: {
      outDir: `${uiDir}dist/${portal}`,
      emptyOutDir: true,
      chunkSizeWarningLimit: 2048,
    },
  });
  compressAssets(`${uiDir}dist/${portal}/assets`);
  console.log(`built ui/dist/${portal}`);
}
