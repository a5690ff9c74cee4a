import assert from 'node:assert/strict';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { Binary, ObjectId } from 'mongodb';
import { describeDatabaseCommand, PrivacySpanProcessor, startTelemetry } from '../src/telemetry';

describe('telemetry', () => {
  describe('describeDatabaseCommand', () => {
    it('keeps the shape of a command and replaces every value, nested or in arrays', () => {
      const command = {
        find: 'patients',
        filter: { lastName: 'Quorvath', _shardKey: 'f3c9', dateOfBirth: { $gte: new Date('1990-01-01') } },
        projection: { _shardKey: 0 },
        $or: [{ insuranceNumber: 'INS123' }, { preferredContactNumber: '+44 7700 900123' }],
        _id: new ObjectId(),
        payload: new Binary(Buffer.from('secret')),
        limit: 51,
      };
      const described = describeDatabaseCommand(command);
      assert.deepEqual(JSON.parse(described), {
        find: '?',
        filter: { lastName: '?', _shardKey: '?', dateOfBirth: { $gte: '?' } },
        projection: { _shardKey: '?' },
        $or: [{ insuranceNumber: '?' }, { preferredContactNumber: '?' }],
        _id: '?',
        payload: '?',
        limit: '?',
      });
      for (const value of ['Quorvath', 'INS123', '7700', '1990', 'secret']) assert.ok(!described.includes(value), value);
    });

    it('survives a circular command', () => {
      const command: Record<string, unknown> = { insert: 'tests' };
      command.self = command;
      assert.equal(describeDatabaseCommand(command), '{"insert":"?","self":"[Circular]"}');
    });
  });

  describe('PrivacySpanProcessor', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new PrivacySpanProcessor(), new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('test');
    beforeEach(() => { exporter.reset(); });

    it('replaces error descriptions a library wrote, keeping the error status', () => {
      tracer.startSpan('insert patients').setStatus({ code: SpanStatusCode.ERROR, message: 'E11000 duplicate key error dup key: { lastName: "Quorvath" }' }).end();
      const [span] = exporter.getFinishedSpans();
      assert.equal(span?.status.code, SpanStatusCode.ERROR);
      assert.ok(!JSON.stringify(span.status).includes('Quorvath'));
    });

    it('keeps only the type of a recorded exception: no message, no stack', () => {
      const span = tracer.startSpan('handler');
      span.recordException(new TypeError('cannot read "Quorvath" of undefined'));
      span.end();
      const [finished] = exporter.getFinishedSpans();
      assert.deepEqual(finished?.events.map((event) => event.attributes), [{ 'exception.type': 'TypeError' }]);
    });

    it('leaves successful spans as they are', () => {
      tracer.startSpan('find patients', { attributes: { 'db.collection.name': 'patients' } }).end();
      const [span] = exporter.getFinishedSpans();
      assert.equal(span?.status.code, SpanStatusCode.UNSET);
      assert.equal(span.attributes['db.collection.name'], 'patients');
    });
  });

  describe('startTelemetry', () => {
    it('does nothing without a connection string or an OTLP endpoint: no provider, spans are no-ops', () => {
      assert.equal(startTelemetry({ serviceName: 'test', environment: {} }), 'off');
      const span = trace.getTracer('test').startSpan('anything');
      assert.equal(span.isRecording(), false);
      span.end();
    });
  });
});
