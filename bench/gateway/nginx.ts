/**
 * Row (7) of `npm run bench -- gateway`: nginx as a plain reverse proxy, when the machine has it (Debian:
 * `apt-get install nginx`): one worker process (the Node rows are one event loop each), no access log,
 * keep-alive to the clients and to the backend (an upstream keepalive pool), nothing else.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, makeTempDir, startProcess, statusOf, type StartedProcess } from '../lib/server.js';

/** The nginx binary, or undefined when there is none. */
export function findNginx(): string | undefined {
  if (existsSync('/usr/sbin/nginx')) return '/usr/sbin/nginx';
  try {
    const found = execFileSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).trim();
    return found || undefined;
  } catch {
    return undefined;
  }
}

export function nginxVersion(binary: string): string {
  // `nginx -v` writes "nginx version: nginx/1.22.1" to stderr.
  const { stdout, stderr } = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  return /nginx\/[\w.]+/.exec(`${stderr}${stdout}`)?.[0] ?? 'nginx (version unknown)';
}

function config(dir: string, port: number, backendPort: number): string {
  const temp = (name: string) => `${name}_temp_path ${path.join(dir, `${name}_temp`)};`;
  return `# Written by bench/gateway/nginx.ts for one run of npm run bench -- gateway.
worker_processes 1;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'error.log')} warn;
events {
  worker_connections 4096;
}
http {
  access_log off;
  ${temp('client_body')}
  ${temp('proxy')}
  ${temp('fastcgi')}
  ${temp('uwsgi')}
  ${temp('scgi')}
  keepalive_timeout 120s;
  keepalive_requests 10000000;
  upstream backend {
    server 127.0.0.1:${backendPort};
    keepalive 128;
    keepalive_requests 10000000;
    keepalive_timeout 120s;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

/** nginx in the foreground (`daemon off`), proxying every path to the backend. */
export async function startNginx(binary: string, port: number, backendPort: number): Promise<StartedProcess> {
  const dir = makeTempDir('portcullis-bench-nginx-');
  const file = path.join(dir, 'nginx.conf');
  writeFileSync(file, config(dir, port, backendPort));
  return startProcess({
    name: 'nginx',
    command: binary,
    // -e: the error log of the start itself goes there too, not to the package's /var/log/nginx.
    args: ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', file, '-g', 'daemon off;'],
    cwd: dir,
    env: cleanEnv(),
    tempDir: dir,
    // SIGTERM: the master stops its worker first (SIGKILL would leave the worker running).
    interruptSignal: 'SIGTERM',
    ready: async () => (await statusOf(`http://127.0.0.1:${port}/`)) === 200,
  });
}
