/** What every route module gets: configuration, the store, the Temporal client and the token service. */
import type { Client } from '@temporalio/client';
import type { Config } from '../config/env.js';
import type { Store } from '../store/mongo.js';
import type { TokenService } from './auth.js';

export interface ApiContext {
  config: Config;
  store: Store;
  temporal: Client;
  tokens: TokenService;
}
