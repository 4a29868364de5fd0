/**
 * `popcheck serve`: the browser explorer (web/) on a local HTTP server.
 *
 * The server hands out its own bundled files and nothing else: a fixed list read from
 * web/dist when it starts, looked up by exact path (no file system path is ever built from a
 * request). It binds 127.0.0.1 unless `--host` names another address, and then says so.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags, UsageError } from './errors.js';

export const DEFAULT_PORT = 7333;
export const DEFAULT_HOST = '127.0.0.1';

/** The files of web/dist the server hands out, by URL path, with their content types. */
export const ASSETS: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/check-worker.js': { file: 'check-worker.js', type: 'text/javascript; charset=utf-8' },
  '/graph-worker.js': { file: 'graph-worker.js', type: 'text/javascript; charset=utf-8' },
  '/mermaid.min.js': { file: 'mermaid.min.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

/** The security headers of every response. */
export const HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export type Route = { readonly status: 200; readonly path: string } | { readonly status: 400 | 404 | 405; readonly reason: string };

/**
 * Which asset a request names, from its method and raw URL (pure). Only GET and HEAD of an
 * exact asset path are served; a query string is ignored; anything that looks like a path
 * trick (`..`, an encoded dot or slash, a backslash, a double slash, a control character) is
 * a 400, any other path a 404.
 */
export function route(method: string | undefined, rawUrl: string | undefined): Route {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, reason: 'only GET and HEAD' };
  const url = rawUrl ?? '';
  const path = url.split(/[?#]/, 1)[0];
  if (!path.startsWith('/')) return { status: 400, reason: 'not an absolute path' };
  if (/%|\\|\.\.|\/\/|[\u0000-\u001f\u007f]/.test(path)) return { status: 400, reason: 'not a plain path' };
  return Object.prototype.hasOwnProperty.call(ASSETS, path) ? { status: 200, path } : { status: 404, reason: 'no such page' };
}

/** web/dist of this package: from dist/cli/ (the built CLI) or cli/ (the sources). */
export function distDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', '..', 'web', 'dist'), join(here, '..', 'web', 'dist')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[0];
}

/** Reads the bundled page; throws a UsageError saying how to build it when a file is missing. */
export function loadAssets(dir: string = distDir()): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const { file } of Object.values(ASSETS)) {
    if (out.has(file)) continue;
    const p = join(dir, file);
    if (!existsSync(p)) throw new UsageError(`serve: the page is not built (${p} is missing); run npm run build:web (npm install does it too)`);
    out.set(file, readFileSync(p));
  }
  return out;
}

function respond(res: ServerResponse, status: number, type: string, body: Buffer | string, head: boolean): void {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...HEADERS, 'Content-Type': type, 'Content-Length': String(buf.length) });
  res.end(head ? undefined : buf);
}

export interface Served {
  readonly url: string;
  /** The address the socket is bound to. */
  readonly address: AddressInfo;
  close(): Promise<void>;
}

/**
 * Starts the server (port 0: a free port). It binds loopback only: another address is refused
 * unless `remote` says the user asked for it (`--host`).
 */
export async function startServer(
  opts: { readonly port?: number; readonly host?: string; readonly dir?: string; readonly remote?: boolean } = {},
): Promise<Served> {
  const host = opts.host ?? DEFAULT_HOST;
  if (!isLoopback(host) && opts.remote !== true) {
    throw new UsageError(`serve: refusing to listen on ${host}, which other machines can reach; name it with --host to mean it`);
  }
  const assets = loadAssets(opts.dir);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const r = route(req.method, req.url);
    const head = req.method === 'HEAD';
    if (r.status !== 200) {
      if (r.status === 405) res.setHeader('Allow', 'GET, HEAD');
      respond(res, r.status, 'text/plain; charset=utf-8', `${r.status} ${r.reason}\n`, head);
      return;
    }
    const a = ASSETS[r.path];
    respond(res, 200, a.type, assets.get(a.file)!, head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/`,
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ServeArgs {
  readonly port: number;
  readonly host: string;
  /** --host was given. */
  readonly explicitHost: boolean;
  readonly open: boolean;
  readonly help: boolean;
}

const SERVE_USAGE = 'popcheck serve [--port P] [--host H] [--open]';

/** Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const v = parseFlags('serve', argv, { port: { type: 'string' }, host: { type: 'string' }, open: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }).values;
  const help = v.help === true;
  const p = v.port as string | undefined;
  if (p !== undefined && (!/^[0-9]{1,5}$/.test(p) || Number(p) > 65535)) throw new UsageError(`--port must be an integer from 0 to 65535 (got '${p}'; 0 picks a free port) (${SERVE_USAGE})`);
  const h = v.host as string | undefined;
  if (h !== undefined && h !== 'localhost' && isIP(h) === 0) throw new UsageError(`--host must be an IP address or localhost (got '${h}') (${SERVE_USAGE})`);
  return { port: p === undefined ? DEFAULT_PORT : Number(p), host: h ?? DEFAULT_HOST, explicitHost: h !== undefined, open: v.open === true, help };
}

/** Opens `url` in the system browser when xdg-open (or open on macOS) is there; says nothing otherwise. */
export function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : 'xdg-open';
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // no browser: the URL is printed anyway
  }
}

/** Serves until `stopped()` says so (Ctrl-C); returns the exit code. */
export async function runServe(a: ServeArgs, out: (s: string) => void, err: (s: string) => void, stopped: () => boolean): Promise<number> {
  let served: Served;
  try {
    served = await startServer({ port: a.port, host: a.host, remote: a.explicitHost });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const x = e as NodeJS.ErrnoException;
    throw new UsageError(`serve: cannot listen on ${a.host}:${a.port}: ${x.code ?? x.message}`);
  }
  if (!isLoopback(a.host)) err(`popcheck serve: warning: listening on ${a.host}, not only this machine: anyone who can reach port ${served.address.port} can use the page\n`);
  out(`popcheck serve: ${served.url}\n`);
  if (a.open) openBrowser(served.url);
  while (!stopped()) await new Promise((r) => setTimeout(r, 100));
  await served.close();
  return 0;
}
