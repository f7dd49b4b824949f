// The Temporal server at TEMPORAL_ADDRESS (the CLI dev server started by
// scripts/dev-services.mjs) is reachable and has the `default` namespace.
// Without TEMPORAL_ADDRESS (no CLI could be provisioned) it falls back to the
// SDK's own dev server download, which needs internet.
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';

describe('Temporal server (TEMPORAL_ADDRESS)', () => {
  it('describes the default namespace and lists namespaces', async () => {
    const address = process.env.TEMPORAL_ADDRESS;
    let env: TestWorkflowEnvironment | undefined;
    let connection: Connection;
    if (address) {
      connection = await Connection.connect({ address, connectTimeout: 10_000 });
    } else {
      console.warn('TEMPORAL_ADDRESS is not set: starting the SDK-downloaded dev server instead');
      env = await TestWorkflowEnvironment.createLocal();
      connection = env.connection;
    }
    try {
      const described = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(described.namespaceInfo?.name).toBe('default');

      const listed = await connection.workflowService.listNamespaces({ pageSize: 100 });
      expect(listed.namespaces.map((n) => n.namespaceInfo?.name)).toContain('default');
    } finally {
      if (env) await env.teardown();
      else await connection.close();
    }
  }, 60_000);
});
