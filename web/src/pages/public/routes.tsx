/** Routes of the public area, mounted by App.tsx: no account needed. */
import type { RouteObject } from 'react-router';
import { ChangesPage } from './ChangesPage';
import { DirectoryPage } from './DirectoryPage';
import { InspectionsPage } from './InspectionsPage';
import { NoticePage } from './NoticePage';
import { NoticesPage } from './NoticesPage';

export const routes: RouteObject[] = [
  { path: '/', element: <DirectoryPage /> },
  { path: '/notices', element: <NoticesPage /> },
  { path: '/notices/:id', element: <NoticePage /> },
  { path: '/changes', element: <ChangesPage /> },
  { path: '/inspections', element: <InspectionsPage /> },
];
