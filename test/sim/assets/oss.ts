/**
 * Small helpers shared by the OSS-like hosts: the OSS XML error body, request ids, dates.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An OSS request id: 24 upper-case hex characters, as OSS sends in `x-oss-request-id`. */
export function ossRequestId(): string {
  return randomBytes(12).toString('hex').toUpperCase();
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);
}

/** The body OSS returns with an error: `<Error><Code>…</Code><Message>…</Message>…</Error>`. */
export function ossErrorXml(code: string, message: string, requestId: string, hostId: string, extra: Record<string, string> = {}): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Error>',
    `  <Code>${xmlEscape(code)}</Code>`,
    `  <Message>${xmlEscape(message)}</Message>`,
    `  <RequestId>${xmlEscape(requestId)}</RequestId>`,
    `  <HostId>${xmlEscape(hostId)}</HostId>`,
    ...Object.entries(extra).map(([k, v]) => `  <${k}>${xmlEscape(v)}</${k}>`),
    '</Error>',
    '',
  ];
  return lines.join('\n');
}

/** Sends an OSS-style XML error (also for HEAD, without the body). */
export function sendOssError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  hostId: string,
  extra: Record<string, string> = {},
): void {
  const requestId = ossRequestId();
  const body = Buffer.from(ossErrorXml(code, message, requestId, hostId, extra), 'utf8');
  res.writeHead(status, {
    Server: 'AliyunOSS',
    'Content-Type': 'application/xml',
    'Content-Length': body.length,
    'x-oss-request-id': requestId,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The HTTP `Date` header form of a time in ms. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

/** `20260611` for a time in ms (UTC). */
export function yyyymmdd(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
}

/** OSS `ServerTime` / `Expires` form: `2026-06-11T08:16:13.000Z`. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

/** Listens on a free port of `host`; resolves with the port. */
export function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(0, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes a server, cutting idle keep-alive connections so it does not hang. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** `http://host:port`, with IPv6 hosts in brackets. */
export function originOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
