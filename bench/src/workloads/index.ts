import { churn } from './churn.js';
import { disposal } from './disposal.js';
import { dispatch } from './dispatch.js';
import { importCost } from './import-cost.js';
import { reconnectChurn } from './reconnect-churn.js';
import { sessionsDirect, sessionsWebhook } from './sessions.js';
import { staleConnection } from './stale-connection.js';
import type { Workload, WorkloadId } from './workload.js';

export const WORKLOADS: Readonly<Record<WorkloadId, Workload>> = {
  'sessions-direct': sessionsDirect,
  'sessions-webhook': sessionsWebhook,
  churn,
  'reconnect-churn': reconnectChurn,
  dispatch,
  import: importCost,
  disposal,
  stale: staleConnection,
};
