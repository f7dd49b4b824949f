/** Routes of the expert area (experts and inspectors), mounted by App.tsx under /expert. */
import { Navigate, type RouteObject } from 'react-router';
import { TaskPage } from './TaskPage';
import { TasksPage } from './TasksPage';

export const routes: RouteObject[] = [
  { index: true, element: <Navigate to="/expert/tasks" replace /> },
  { path: 'tasks', element: <TasksPage /> },
  { path: 'tasks/:taskId', element: <TaskPage /> },
];
