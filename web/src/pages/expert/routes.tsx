/** Routes of the expert area, mounted by App.tsx. */
import type { RouteObject } from 'react-router';

export const routes: RouteObject[] = [];
