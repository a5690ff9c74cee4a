import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PublishedDocument } from './gateway-config';

export interface ApiDocsOptions {
  /** Where the page is served, e.g. `/docs`. */
  readonly basePath: string;
  /** The OpenAPI document the page shows, e.g. `/openapi/patient.json`. */
  readonly openApiPath: string;
  /** Filled in for the visitor, so "Try it out" works at once. Local keys only: this page is on loopback. */
  readonly subscriptionKey: string;
}

const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

/**
 * Interactive API documentation (Swagger UI from the swagger-ui-dist package, served from local files:
 * no CDN), pre-authorized with the local subscription key. API Management's developer portal plays this
 * part in Azure.
 */
export function apiDocsDocuments(options: ApiDocsOptions): PublishedDocument[] {
  const distribution = dirname(require.resolve('swagger-ui-dist/package.json'));
  const base = options.basePath.replace(/\/$/, '');
  const page = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '  <meta charset="utf-8">',
    '  <title>PatientTests API (local)</title>',
    `  <base href="${base}/">`,
    '  <link rel="stylesheet" href="swagger-ui.css">',
    '</head>',
    '<body>',
    '  <div id="swagger-ui"></div>',
    '  <script src="swagger-ui-bundle.js"></script>',
    '  <script src="initializer.js"></script>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
  const initializer = [
    'window.ui = SwaggerUIBundle({',
    `  url: ${JSON.stringify(options.openApiPath)},`,
    "  dom_id: '#swagger-ui',",
    '  deepLinking: true,',
    '  tryItOutEnabled: true,',
    '  displayRequestDuration: true,',
    '  presets: [SwaggerUIBundle.presets.apis],',
    "  layout: 'BaseLayout',",
    `  onComplete: () => { window.ui.preauthorizeApiKey('subscriptionKeyHeader', ${JSON.stringify(options.subscriptionKey)}); },`,
    '});',
    '',
  ].join('\n');
  return [
    { path: base, contentType: 'text/html; charset=utf-8', body: page },
    { path: `${base}/`, contentType: 'text/html; charset=utf-8', body: page },
    { path: `${base}/initializer.js`, contentType: 'text/javascript; charset=utf-8', body: initializer },
    ...Object.entries(assets).map(([file, contentType]) => ({ path: `${base}/${file}`, contentType, body: readFileSync(join(distribution, file), 'utf8') })),
  ];
}
