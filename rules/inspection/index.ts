/**
 * R16 random inspection (双随机一公开, "double random, one public"): institutions drawn at random from
 * the directory, inspectors drawn at random for each, with recusal, load spreading and shortfalls;
 * reproducible and auditable with the R7.3 ranking of rules/draw (`hmac-sha256-rank/v1`).
 * Pure: no I/O, no clock (node:crypto for hashing: activities only, never workflows).
 */
export {
  LISTING_STATUSES,
  type ListingStatus,
  type SampleSize,
  INSPECTION_RECUSAL_REASONS,
  type InspectionRecusalReason,
  SHORTFALL_REASONS,
  type ShortfallReason,
  inspectionPolicy,
  type InspectionPolicy,
  InspectionInputError,
} from './policy.js';
export { institutionScope, inspectorScope, rankOrder } from './rank.js';
export {
  type Jurisdiction,
  type InspectionListing,
  type CampaignFilters,
  type InspectorEmployment,
  type Inspector,
  type CampaignDrawInput,
  type EligibleInstitution,
  type InspectorRecusal,
  type DrawnInstitution,
  type Shortfall,
  type CampaignSnapshot,
  type CampaignDraw,
  type CampaignDrawRecord,
  sampleCount,
  eligibleInstitutions,
  drawCampaign,
  verifyCampaignDraw,
} from './draw.js';
