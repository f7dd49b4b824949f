/** The API process. */
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config/env.js';
import { createLogger } from '../config/logger.js';
import { connectStore } from '../store/mongo.js';
import { createTokenService } from './auth.js';
import { buildServer } from './server.js';

const config = loadConfig();
const log = createLogger('api', config.logLevel);
const store = await connectStore(config.mongodbUri, config.mongodbDb);
const connection = await Connection.connect({ address: config.temporalAddress });
const temporal = new Client({ connection, namespace: config.temporalNamespace });
const app = await buildServer({ config, store, temporal, tokens: createTokenService(config.authSecret) }, log);

await app.listen({ port: config.port, host: config.host });
log.info({ url: `http://${config.host}:${config.port}`, devTokens: config.devTokens }, 'api listening');

const stop = async (signal: string) => {
  log.info({ signal }, 'api stopping');
  await app.close();
  await connection.close();
  await store.client.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
