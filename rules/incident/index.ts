export {
  INCIDENT_CATEGORIES,
  INCIDENT_CATEGORY_CODES,
  incidentPolicy,
  reportingAuthority,
  localHrOf,
  industryDepartmentOf,
  reportedTo,
  escalationLadder,
  type IncidentCategory,
  type IncidentListing,
  type IncidentPolicy,
  type IncidentRefusal,
} from './policy.js';
