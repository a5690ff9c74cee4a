import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { composePatientTestsApp } from '../../src/app';
import { loadPatientTestsConfig } from '../../src/config';
import { openApiPath, renderOpenApi } from '../../src/openapi/write-openapi';
import { requiredSettings } from '../fixtures/settings';

describe('OpenAPI document', () => {
  it('is up to date with the validators (run `npm run openapi -w @patient-tests/patient-tests-api`)', () => {
    assert.equal(readFileSync(openApiPath, 'utf8'), renderOpenApi());
  });

  it('is a valid OpenAPI 3 document', async () => {
    const api = (await SwaggerParser.validate(openApiPath)) as { openapi: string; paths: Record<string, unknown> };
    assert.equal(api.openapi, '3.0.3');
    assert.deepEqual(Object.keys(api.paths), ['/', '/search', '/{patientId}', '/{patientId}/versions', '/{patientId}/tests', '/{patientId}/tests/{testId}']);
  });

  it('declares every request body as JSON and as plain text, the same schema, as the API reads both (the 2020 client sends text/plain)', () => {
    const document = JSON.parse(readFileSync(openApiPath, 'utf8')) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> };
    const bodies = Object.values(document.paths).flatMap((item) => Object.values(item)).flatMap((operation) => operation.requestBody ? [operation.requestBody] : []);
    assert.equal(bodies.length, 4);
    for (const body of bodies) {
      assert.deepEqual(Object.keys(body.content), ['application/json', 'text/plain']);
      assert.deepEqual(body.content['text/plain'], body.content['application/json']);
    }
  });

  it('documents every operation the app publishes under /patient, with the same methods', async () => {
    // Composing the app connects to nothing: the database is reached on first use only.
    const app = composePatientTestsApp(loadPatientTestsConfig({ ...requiredSettings, MONGODB_URI: 'mongodb://127.0.0.1:1/' }));
    const document = JSON.parse(readFileSync(openApiPath, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).filter((key) => key !== 'parameters').map((method) => `${method.toUpperCase()} ${path}`)).sort();
    // The platform health check (route `health`) is not published through API Management.
    const published = app.functions.filter((fn) => fn.route.startsWith('patient'));
    assert.deepEqual(app.functions.filter((fn) => !published.includes(fn)).map((fn) => fn.name), ['health']);
    const registered = published.map((fn) => {
      const route = fn.route.replace(/^patient/, '').replace(/:guid/g, '') || '/';
      return `${fn.methods[0] ?? ''} ${route}`;
    }).sort();
    assert.deepEqual(documented, registered);
    await app.connection.close();
  });
});
