// SMTP servers for tests: a real one in-process (the smtp-server package), one that refuses for now (421), and a silent one.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw DATA (headers and body, dot-unstuffed). */
  data: string;
  /** The Message-ID header without its angle brackets ('' when the message had none). */
  messageId: string;
}

export interface FakeSmtpServer {
  port: number;
  url: string;
  /** Every message accepted so far, in order. */
  received: ReceivedMail[];
  /** TCP connections accepted so far (whatever was said on them): shows whether anyone tried to deliver. */
  connections(): number;
  close(): Promise<void>;
}

export interface FakeSmtpOptions {
  /** Accept TCP connections but never greet (a hung server): clients wait until their own timeout. */
  silent?: boolean;
  /** Greet every connection with 421 (service not available, try again later): a server that defers all mail. */
  deferring?: boolean;
  /** Listen on this port (e.g. one a test had closed before, to simulate the server coming back). */
  port?: number;
}

/** The Message-ID header of raw message data, without angle brackets. */
function messageIdOf(data: string): string {
  const headers = data.split(/\r?\n\r?\n/, 1)[0].replace(/\r?\n[ \t]+/g, ' ');
  return /^message-id:\s*<?([^>\r\n]*)>?/im.exec(headers)?.[1]?.trim() ?? '';
}

/**
 * Starts an SMTP server on 127.0.0.1: smtp-server without TLS or authentication, keeping every message it
 * accepts; `deferring` answers every connection 421; `silent` is a bare TCP server that says nothing.
 * The name is kept from the hand-made fake it replaced; the server is a real one now.
 */
export async function startFakeSmtp(options: FakeSmtpOptions = {}): Promise<FakeSmtpServer> {
  if (options.silent) return startSilentServer(options.port);
  const received: ReceivedMail[] = [];
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // Pending connections are cut at once on close: a test stopping the server is an outage, not a drain.
    closeTimeout: 1,
    onConnect(_session, callback) {
      connections += 1;
      if (!options.deferring) return callback();
      const error = Object.assign(new Error('Service not available, try again later'), { responseCode: 421 });
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const data = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        received.push({ from, to: session.envelope.rcptTo.map((rcpt) => rcpt.address), data, messageId: messageIdOf(data) });
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A TCP server that accepts connections and never answers: the SMTP client waits for a greeting until its timeout. */
async function startSilentServer(port: number | undefined): Promise<FakeSmtpServer> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    port: address.port,
    url: `smtp://127.0.0.1:${address.port}`,
    received: [],
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A local port nothing listens on (bound once, then released), for an SMTP outage. */
export async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
