/** A real SMTP server (smtp-server) on a free local port that keeps what it receives, parsed. */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtp {
  url: string;
  received: ParsedMail[];
  /** Makes the next `count` messages fail with a temporary SMTP error (451). */
  failNext(count: number): void;
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  /** From now on, holds back the answer to each message (no 250 yet) until release(). */
  hold(): void;
  /** Answers the held messages and stops holding. */
  release(): void;
  /** Recipients of the messages held back, in the order their data arrived. */
  held: string[];
  close(): Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const received: ParsedMail[] = [];
  let failures = 0;
  let holding = false;
  const held: string[] = [];
  const waiting: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (holding) {
          held.push(...session.envelope.rcptTo.map((r) => r.address));
          waiting.push(() => accept());
          return;
        }
        accept();
      });
      const accept = () => {
        if (failures > 0) {
          failures -= 1;
          const error = Object.assign(new Error('Service temporairement indisponible'), { responseCode: 451 });
          callback(error);
          return;
        }
        simpleParser(Buffer.concat(chunks)).then(
          (mail) => {
            received.push(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
      };
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    failNext(count) {
      failures = count;
    },
    held,
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      held.length = 0;
      for (const answer of waiting.splice(0)) answer();
    },
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} mails, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
