/** Routes of the institution portal, mounted by App.tsx under /portal (role institution). */
import type { RouteObject } from 'react-router';
import { ApplicationsPage } from './ApplicationsPage';
import { ApplyFormPage, ApplyPage } from './ApplyPage';
import { CasePage } from './CasePage';
import { ListingsPage } from './ListingsPage';
import { RectificationsPage } from './RectificationsPage';
import { TasksPage } from './TasksPage';

export const routes: RouteObject[] = [
  { index: true, element: <ListingsPage /> },
  { path: 'applications', element: <ApplicationsPage /> },
  { path: 'rectifications', element: <RectificationsPage /> },
  { path: 'tasks', element: <TasksPage /> },
  { path: 'apply', element: <ApplyPage /> },
  { path: 'apply/:roundId', element: <ApplyFormPage /> },
  { path: 'cases/:caseId', element: <CasePage /> },
];
