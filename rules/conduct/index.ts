/**
 * Prohibited conduct (R17–R19) and the building obligations as inspection checklists (R10–R12), as
 * data and plain functions: forbidden certificate words (R19), advertising promises (R17(e),
 * R18(e)), related organisations training in the occupation they evaluate (R18(g)), training sites
 * across provinces (R17(a)). Pure: no I/O, no clock.
 */
export {
  FORBIDDEN_CERTIFICATE_WORDS,
  type ForbiddenCertificateWord,
  ADVERTISING_CATEGORIES,
  type AdvertisingCategory,
  type AdvertisingClause,
  type AdvertisingPhrase,
  type AdvertisingCategoryPolicy,
  advertisingPolicy,
  RELATION_TYPES,
  type RelationType,
  LISTING_STATUSES,
  type ListingStatus,
  relationPolicy,
  sitePolicy,
  normalisationPolicy,
  type ChecklistItem,
  inspectionChecklists,
  conductPolicy,
  type ConductPolicy,
  ConductInputError,
} from './policy.js';
export { type NormalizedText, type TextSpan, normalizeText, originalSpan, toSimplified, isIgnorable } from './normalize.js';
export {
  type CertificateWordHit,
  type CertificateManualCheck,
  type CertificateWordingCheck,
  checkCertificateWording,
} from './certificate.js';
export { type AdvertisingHit, checkAdvertising } from './advertising.js';
export {
  ConductListingSchema,
  type ConductListing,
  InstitutionRelationSchema,
  type InstitutionRelation,
  type SameOccupationConflict,
  type ConflictOptions,
  sameOccupationConflicts,
} from './relations.js';
export { TrainingSiteSchema, type TrainingSite, type CrossProvinceSite, crossProvinceSites } from './sites.js';
export { inspectionChecklist } from './checklists.js';
