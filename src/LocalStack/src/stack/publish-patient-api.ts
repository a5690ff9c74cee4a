import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Tracer } from '@opentelemetry/api';
import type { AdmissionLimits } from '../gateway/admission-control';
import { apiDocsDocuments } from '../gateway/api-docs';
import { patientApiPolicyFile, readApiPolicy, type ApiPolicy } from '../gateway/api-policy';
import { createGateway } from '../gateway/gateway';
import type { GatewayManagedIdentity } from '../gateway/backend-token';
import type { GatewaySubscription } from '../gateway/gateway-config';
import { localApis, localIdentities } from '../identity/local-directory';
import type { LocalKeys } from './local-keys';

export interface PublishOptions {
  readonly root: string;
  readonly keys: LocalKeys;
  /** The PatientTests host, e.g. `http://127.0.0.1:7071`. */
  readonly patientTestsUrl: string;
  /** 0 lets the OS pick. */
  readonly port: number;
  readonly admission: AdmissionLimits;
  /** Replaces the policy's calls per window (benchmarks). */
  readonly callsPerWindow?: number | undefined;
  readonly tracer?: Tracer | undefined;
  /** The gateway's managed identity (API Management's), whose token the policy sends to the backend. */
  readonly managedIdentity: GatewayManagedIdentity;
}

export interface PublishedGateway {
  readonly gateway: Server;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Publishes the PatientTests API on the gateway as env/apim.tf publishes it on API Management: under
 * `/patient`, its operations from openapi.json, the API policy file, the products' two local
 * subscriptions, the named values the policy's authentication needs (the API's application id, the
 * gateway identity's client id) and that identity; plus the OpenAPI document and the docs.
 */
export async function publishPatientApi(options: PublishOptions): Promise<PublishedGateway> {
  const openApi = readFileSync(join(options.root, 'src', 'PatientTestsApi', 'openapi.json'), 'utf8');
  const gateway = createGateway({
    subscriptions: localSubscriptions(options.keys),
    apis: [{
      path: 'patient',
      backendUrl: `${options.patientTestsUrl}/api/patient`,
      operations: Object.keys((JSON.parse(openApi) as { paths: Record<string, unknown> }).paths),
    }],
    documents: [
      { path: '/openapi/patient.json', contentType: 'application/json', body: openApi },
      ...apiDocsDocuments({ basePath: '/docs', openApiPath: '/openapi/patient.json', subscriptionKey: options.keys.gatewaySubscriptionKey }),
    ],
    tracer: options.tracer,
    admission: options.admission,
    policy: withCallsPerWindow(readApiPolicy(patientApiPolicyFile(options.root)), options.callsPerWindow),
    namedValues: patientApiNamedValues,
    managedIdentity: options.managedIdentity,
  });
  gateway.listen(options.port, '127.0.0.1');
  await once(gateway, 'listening');
  const address = gateway.address();
  return {
    gateway,
    port: typeof address === 'object' && address ? address.port : options.port,
    stop: () => new Promise((done) => { gateway.close(() => { done(); }); gateway.closeAllConnections(); }),
  };
}

/** The named values env/apim.tf gives API Management for the policy: ids, none of them a secret. */
export const patientApiNamedValues = {
  'patient-tests-api-application-id': localApis.patient_tests.clientId,
  'gateway-identity-client-id': localIdentities.apiManagement.clientId,
};

/**
 * The local clients: two subscriptions of the product, as API Management would hold them, so that two
 * callers are two actors in the audit register.
 */
function localSubscriptions(keys: LocalKeys): GatewaySubscription[] {
  return [
    { id: 'local-client', name: 'Local client', productId: localProductId, key: keys.gatewaySubscriptionKey },
    // A display name beyond Latin-1, as a developer portal user may choose one: the policy sends it
    // percent-encoded and the app decodes it (docs/patient-tests-api.md, "Who: the actor").
    { id: 'local-second-client', name: 'Second local client, Zürich 東京', productId: localProductId, key: keys.secondSubscriptionKey },
  ];
}

/** The product our subscriptions belong to (`azurerm_api_management_product.clients` in env/apim.tf). */
const localProductId = 'patient-tests-clients';

function withCallsPerWindow(policy: ApiPolicy, callsPerWindow: number | undefined): ApiPolicy {
  return callsPerWindow === undefined ? policy : { ...policy, limits: { ...policy.limits, callsPerWindow } };
}
