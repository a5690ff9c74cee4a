// `npm run openapi -w @patient-tests/patient-tests-api`: writes openapi.json, which the gateway serves and
// Terraform imports into API Management. A test fails when the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from './openapi-document';

export const openApiPath = join(__dirname, '..', '..', '..', 'openapi.json');

export function renderOpenApi(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(openApiPath, renderOpenApi());
  process.stdout.write(`wrote ${openApiPath}\n`);
}
