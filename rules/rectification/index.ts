export { rectificationPolicy, orderingAuthority, nextLevelUp, uncitable, type OrderedListing, type RectificationPolicy } from './policy.js';
export { OrderDueSchema, OrderModeSchema, checkOrderDue, type OrderDue, type OrderDueError } from './order.js';
