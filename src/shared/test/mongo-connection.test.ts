import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { ServiceUnavailableError } from '../src/errors';
import { MongoConnection } from '../src/mongo';

/** A TCP relay to the test database that can be switched off and on, to play an outage. */
class Relay {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  constructor(private readonly target: URL, readonly port: number) {}

  async start(): Promise<void> {
    this.server = createServer((inbound) => {
      const outbound = connect(Number(this.target.port), this.target.hostname);
      for (const socket of [inbound, outbound]) {
        this.sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => this.sockets.delete(socket));
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

async function unusedPort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('MongoConnection', () => {
  let relay: Relay;
  let connection: MongoConnection;
  let prepared = 0;

  before(async () => {
    const target = new URL(process.env.TEST_MONGODB_URI ?? 'mongodb://missing/');
    relay = new Relay(target, await unusedPort());
    // The test database's credentials, through the relay.
    const throughRelay = new URL(target);
    throughRelay.host = `127.0.0.1:${relay.port}`;
    connection = new MongoConnection(
      { uri: throughRelay.toString(), databaseName: 'connection_test', serverSelectionTimeoutMs: 300, appName: 'connection-test' },
      () => { prepared++; return Promise.resolve(); },
    );
  });
  after(async () => { await connection.close(); await relay.stop(); });

  it('answers 503 while the database is down and connects on a later request once it is back', async () => {
    await assert.rejects(connection.database(), ServiceUnavailableError);
    await assert.rejects(connection.database(), ServiceUnavailableError);
    assert.equal(prepared, 0);

    await relay.start();
    const db = await connection.database();
    assert.equal((await db.command({ ping: 1 })).ok, 1);
    assert.equal(prepared, 1);
  });

  it('reuses one client and prepares the database once', async () => {
    const [first, second] = await Promise.all([connection.database(), connection.database()]);
    assert.equal(first, second);
    assert.equal(prepared, 1);
  });
});
