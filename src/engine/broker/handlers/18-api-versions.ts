import { ApiVersions } from '../../protocol/messages/18-api-versions.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** ApiVersions: the table comes from the registered handlers (see dispatch.ts). */
export const apiVersions: Handler<BrokerServices, typeof ApiVersions> = {
  api: ApiVersions,
  min: 0,
  max: 4,
  handle(services) {
    return { errorCode: 0, apiKeys: services.apiVersions(), throttleTimeMs: 0 };
  },
};
