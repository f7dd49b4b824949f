// The MongoDB-compatible store at MONGODB_URI (FerretDB v1 on SQLite when
// started by scripts/dev-services.mjs) supports what the app relies on.
import { randomUUID } from 'node:crypto';
import { type Db, MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Institution {
  tenant: string;
  code: string;
  name: string;
  rank: number;
  version?: number;
}

function mongoUri(): string {
  const uri = process.env.MONGODB_URI;
  if (!uri) {
    throw new Error('MONGODB_URI is not set. Run the tests through `npm test` / `node scripts/dev-services.mjs test`.');
  }
  return uri;
}

describe('store (MONGODB_URI)', () => {
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    client = new MongoClient(mongoUri(), { serverSelectionTimeoutMS: 10_000 });
    await client.connect();
    db = client.db(`servers_test_${randomUUID().replaceAll('-', '')}`);
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
  });

  it('answers hello/ping', async () => {
    const hello = await db.admin().command({ hello: 1 });
    expect(hello.isWritablePrimary).toBe(true);
    expect((await db.admin().command({ ping: 1 })).ok).toBe(1);
  });

  it('inserts, upserts, indexes, sorts, findOneAndUpdate, rejects duplicate keys', async () => {
    const col = db.collection<Institution>('institutions');

    expect(await col.createIndex({ tenant: 1, code: 1 }, { unique: true, name: 'tenant_code_unique' })).toBe(
      'tenant_code_unique',
    );
    expect(await col.createIndex({ rank: -1 })).toBe('rank_-1');
    const indexes = await col.listIndexes().toArray();
    expect(indexes.find((i) => i.name === 'tenant_code_unique')?.unique).toBe(true);

    const inserted = await col.insertOne({ tenant: 't1', code: 'A', name: 'Alpha', rank: 1 });
    expect(inserted.acknowledged).toBe(true);
    await col.insertMany([
      { tenant: 't1', code: 'B', name: 'Beta', rank: 5 },
      { tenant: 't1', code: 'C', name: 'Gamma', rank: 3 },
    ]);

    // upsert: insert, then update the same document
    const first = await col.updateOne(
      { tenant: 't1', code: 'D' },
      { $set: { name: 'Delta', rank: 4 }, $setOnInsert: { version: 1 } },
      { upsert: true },
    );
    expect(first.upsertedCount).toBe(1);
    const second = await col.updateOne(
      { tenant: 't1', code: 'D' },
      { $set: { name: 'Delta II' }, $setOnInsert: { version: 1 } },
      { upsert: true },
    );
    expect(second).toMatchObject({ upsertedCount: 0, matchedCount: 1, modifiedCount: 1 });

    const top = await col.find({ tenant: 't1' }).sort({ rank: -1 }).limit(2).toArray();
    expect(top.map((d) => d.code)).toEqual(['B', 'D']);

    const updated = await col.findOneAndUpdate(
      { tenant: 't1', code: 'D' },
      { $inc: { version: 1 } },
      { returnDocument: 'after' },
    );
    expect(updated).toMatchObject({ code: 'D', name: 'Delta II', version: 2 });

    const dup = await col.insertOne({ tenant: 't1', code: 'A', name: 'Again', rank: 9 }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(MongoServerError);
    expect((dup as MongoServerError).code).toBe(11000);

    expect(await col.countDocuments({ tenant: 't1' })).toBe(4);
  });
});
