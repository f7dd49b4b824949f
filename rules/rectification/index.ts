export { rectificationPolicy, orderingAuthority, nextLevelUp, uncitable, type OrderedListing, type RectificationPolicy } from './policy.js';
