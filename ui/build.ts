/**
 * Builds the three web portals into ui/dist/<portal>, each with its own base path (/publisher/, …), so that
 * whichever component serves a portal serves one self-contained folder. `npm run build:ui`.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

export const PORTALS = ['publisher', 'devportal', 'admin'] as const;

const uiDir = fileURLToPath(new URL('.', import.meta.url));

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
  console.log(`built ui/dist/${portal}`);
}
