import assert from 'node:assert/strict';
import { MongoNetworkError, MongoServerError } from 'mongodb';
import { ServiceUnavailableError } from '../src/errors';
import { isDatabaseUnavailable, withThrottlingRetry } from '../src/mongo';
import { backendLostMessages, internalMessages } from './fixtures/ferretdb-errors';

/** A FerretDB answer as the driver builds it from the wire: `{ ok: 0, errmsg, code: 1, codeName }`. */
function ferretDbAnswer(errmsg: string): MongoServerError {
  return new MongoServerError({ ok: 0, errmsg, code: 1, codeName: 'InternalError' });
}

const noWait = { random: () => 0, sleep: () => Promise.resolve() };

describe('isDatabaseUnavailable', () => {
  it(`takes each of the ${backendLostMessages.length} answers FerretDB gave while its PostgreSQL restarted for an outage`, () => {
    for (const [signal, errmsg] of backendLostMessages) {
      assert.equal(isDatabaseUnavailable(ferretDbAnswer(errmsg)), true, `${signal}: ${errmsg}`);
    }
  });

  it('keeps code 1 answers with another SQLSTATE (a bug or a missing grant) internal errors', () => {
    for (const [cause, errmsg] of internalMessages) {
      assert.equal(isDatabaseUnavailable(ferretDbAnswer(errmsg)), false, cause);
    }
  });

  it('goes by the SQLSTATE before the connection text: a refused password is no outage', () => {
    // A recorded outage answer whose last attempt PostgreSQL refused for another reason (28P01).
    const [, refusedLogin] = backendLostMessages.find(([, errmsg]) => errmsg.includes('(SQLSTATE 57P03)') && errmsg.includes('failed to connect')) ?? ['', ''];
    const withBadPassword = refusedLogin.replace(/FATAL: .*\(SQLSTATE 57P03\)/, 'FATAL: password authentication failed for user "app" (SQLSTATE 28P01)');
    assert.notEqual(withBadPassword, refusedLogin);
    assert.equal(isDatabaseUnavailable(ferretDbAnswer(withBadPassword)), false);
  });

  it('reads the connection text only from the cause after FerretDB\'s call trace, not anywhere in the message', () => {
    assert.equal(isDatabaseUnavailable(ferretDbAnswer('[msg_insert.go:168 handler.(*Handler).MsgInsert] unexpected EOF')), true);
    assert.equal(isDatabaseUnavailable(ferretDbAnswer('[msg_insert.go:168 handler.(*Handler).MsgInsert] decoding: unexpected EOF in document')), false);
  });

  it('takes the driver\'s unavailable-server codes and RetryableWriteError label for an outage, other codes not', () => {
    // From the driver's retryable-reads/writes specifications (Cosmos DB and MongoDB), not recorded here.
    assert.equal(isDatabaseUnavailable(new MongoServerError({ ok: 0, code: 91, codeName: 'ShutdownInProgress', errmsg: 'The server is in quiesce mode and will shut down' })), true);
    assert.equal(isDatabaseUnavailable(new MongoServerError({ ok: 0, code: 999, errmsg: 'x', errorLabels: ['RetryableWriteError'] })), true);
    assert.equal(isDatabaseUnavailable(new MongoServerError({ ok: 0, code: 11000, errmsg: 'E11000 duplicate key' })), false);
    assert.equal(isDatabaseUnavailable(new MongoNetworkError('connection closed')), true);
    assert.equal(isDatabaseUnavailable(new Error('a bug')), false);
  });

  it('makes withThrottlingRetry answer 503 with Retry-After for a lost backend, and pass a real internal error through', async () => {
    const [, lost] = backendLostMessages[0] ?? ['', ''];
    const outage = ferretDbAnswer(lost);
    await assert.rejects(withThrottlingRetry(() => Promise.reject(outage), undefined, noWait), (error: unknown) => {
      assert.ok(error instanceof ServiceUnavailableError);
      assert.ok(error.retryAfterSeconds >= 1);
      assert.equal(error.cause, outage);
      return true;
    });
    const [, bug] = internalMessages[0] ?? ['', ''];
    const internal = ferretDbAnswer(bug);
    await assert.rejects(withThrottlingRetry(() => Promise.reject(internal), undefined, noWait), (error: unknown) => error === internal);
  });
});
