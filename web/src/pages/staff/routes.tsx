/** Routes of the staff area, mounted by App.tsx. */
import type { RouteObject } from 'react-router';

export const routes: RouteObject[] = [];
