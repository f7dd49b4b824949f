/**
 * Real receivers for delivery tests: an SMTP server (smtp-server, plain text on 127.0.0.1) and an HTTP
 * webhook receiver (node:http), each on a free port, recording what they accepted and able to refuse
 * the next attempts (SMTP 451 after DATA, HTTP 500).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string | false;
  to: string[];
  raw: string;
  /** Header names in lower case, folded lines joined. */
  headers: Record<string, string>;
  body: string;
}

export interface SmtpSink {
  url: string;
  messages: ReceivedMail[];
  /** DATA commands answered with an error (what the sender saw fail). */
  refused: number;
  /** Answer the next `n` DATA commands with `code` (a temporary failure by default). */
  failNext(n: number, code?: number): void;
  close(): Promise<void>;
}

function parseMail(raw: string): { headers: Record<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = split >= 0 ? raw.slice(0, split) : raw;
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, body: split >= 0 ? raw.slice(split + 4) : '' };
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const failures: number[] = [];
  const sink = { refused: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1_000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const code = failures.shift();
        if (code !== undefined) {
          sink.refused++;
          return callback(Object.assign(new Error('Try again later'), { responseCode: code }));
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : false, to: session.envelope.rcptTo.map((r) => r.address), raw, ...parseMail(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return Object.assign(sink, {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    failNext(n: number, code = 451) {
      for (let i = 0; i < n; i++) failures.push(code);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WebhookSink {
  url: string;
  /** Requests answered 2xx. */
  received: ReceivedHook[];
  /** Every request, refused ones included. */
  requests: ReceivedHook[];
  /** Answer the next requests with these statuses, then 200. */
  answerNext(...statuses: number[]): void;
  close(): Promise<void>;
}

export async function startWebhookSink(): Promise<WebhookSink> {
  const received: ReceivedHook[] = [];
  const requests: ReceivedHook[] = [];
  const statuses: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hook = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(hook);
      const status = statuses.shift() ?? 200;
      if (status >= 200 && status < 300) received.push(hook);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/dte`,
    received,
    requests,
    answerNext: (...s: number[]) => void statuses.push(...s),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
