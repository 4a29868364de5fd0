import { describe, expect, it } from 'vitest';
import { ASSETS, isLoopback, parseServeArgs, route, startServer } from '../../cli/serve-command.js';
import { UsageError } from '../../cli/errors.js';
import { cli } from './helpers.js';

describe('serve: which file a request names (route)', () => {
  it.each(Object.keys(ASSETS))('serves %s', (path) => {
    expect(route('GET', path)).toEqual({ status: 200, path });
    expect(route('HEAD', `${path}?x=1#y`)).toEqual({ status: 200, path });
  });

  it.each([
    '/../package.json',
    '/..',
    '/web/../index.html',
    '/%2e%2e/package.json',
    '/%2E%2E%2Fpackage.json',
    '/app.js%00',
    '/..%5cpackage.json',
    '/\\..\\package.json',
    '/app.js\\',
    '//etc/passwd',
    '/a\u0000',
  ])('refuses the path trick %j with 400', (path) => {
    expect(route('GET', path).status).toBe(400);
  });

  it.each(['/etc/passwd', '/package.json', '/dist/cli/main.js', '/web/', '/index.htm', '/APP.JS', '/app.js/'])('has no page %j (404)', (path) => {
    expect(route('GET', path).status).toBe(404);
  });

  it('refuses a relative or absolute-form URL and other methods', () => {
    expect(route('GET', 'app.js').status).toBe(400);
    expect(route('GET', 'http://evil.example/app.js').status).toBe(400);
    expect(route('GET', undefined).status).toBe(400);
    expect(route('POST', '/').status).toBe(405);
    expect(route('PUT', '/app.js').status).toBe(405);
  });
});

describe('serve: flags', () => {
  it('binds 127.0.0.1:7333 by default', () => {
    expect(parseServeArgs([])).toEqual({ port: 7333, host: '127.0.0.1', explicitHost: false, open: false, help: false });
    expect(parseServeArgs(['--port', '0', '--host', '0.0.0.0', '--open'])).toEqual({ port: 0, host: '0.0.0.0', explicitHost: true, open: true, help: false });
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.2', '10.0.0.1'].some(isLoopback)).toBe(false);
  });

  it.each([
    [['--port', '70000'], /--port must be an integer from 0 to 65535/],
    [['--port', '-1'], /--port must be an integer from 0 to 65535/],
    [['--port', 'x'], /--port must be an integer/],
    [['--host'], /--host/],
    [['--host', 'example.com'], /--host must be an IP address or localhost \(got 'example.com'\)/],
    [['--host', ''], /--host must be an IP address/],
    [['--bind', '0.0.0.0'], /unknown option '--bind'/],
    [['--port', '1', '--port', '2'], /--port is given more than once/],
    [['extra'], /extra/],
  ])('serve %j is a one-line usage error (exit 2)', async (argv, message) => {
    const r = await cli('serve', ...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('has help', async () => {
    const r = await cli('serve', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: popcheck serve/);
  });
});

describe('serve: where it listens', () => {
  it('refuses a non-loopback address unless it was named with --host', async () => {
    for (const host of ['0.0.0.0', '::']) {
      await expect(startServer({ port: 0, host })).rejects.toThrow(UsageError);
      await expect(startServer({ port: 0, host })).rejects.toThrow(/refusing to listen on .*--host/);
    }
  });

  it('binds loopback by default, and another address only when asked', async () => {
    const local = await startServer({ port: 0 });
    expect(local.address.address).toBe('127.0.0.1');
    await local.close();
    const remote = await startServer({ port: 0, host: '0.0.0.0', remote: true });
    expect(remote.address.address).toBe('0.0.0.0');
    await remote.close();
  });
});
