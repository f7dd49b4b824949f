/** Routes of the portal area, mounted by App.tsx. */
import type { RouteObject } from 'react-router';

export const routes: RouteObject[] = [];
