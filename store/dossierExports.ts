/**
 * The record of case dossier exports (api/routes/dossier.ts): who exported which case's complete
 * record, when, in which form, whether redacted, and the digest of what they received. One document
 * per export, inserted before the dossier is sent; nothing updates or deletes them.
 */
import type { Collection } from 'mongodb';
import type { Principal } from '../rules/actors.js';
import type { Store } from './mongo.js';

export interface DossierExportDoc {
  /** `<caseId>#<ISO instant>#<random hex>` */
  _id: string;
  caseId: string;
  caseType: string;
  format: 'json' | 'pdf';
  by: Principal;
  at: Date;
  dossierVersion: number;
  /** `full` for staff over the case, `redacted` for its parties (see api/dossier/build.ts). */
  view: 'full' | 'redacted';
  /** SHA-256 of the RFC 8785 canonical JSON of the dossier (without its digest field), hex. */
  digest: string;
  /** The client address as the API saw it. */
  ip: string;
}

export const DOSSIER_EXPORTS = 'dossierExports';

export const dossierExports = (store: Pick<Store, 'db'>): Collection<DossierExportDoc> => store.db.collection<DossierExportDoc>(DOSSIER_EXPORTS);
