import type { ReactNode } from 'react';
import type { StaffRoleName } from '../../api-schemas.ts';
import { HomeScreen } from './screens/home.tsx';
import { PasswordScreen } from './screens/password.tsx';

// Every screen of the console, once: the shell's navigation and router both read this list.
// Add a screen with one entry (keep your entries together). `roles` is what the navigation
// shows and the router opens; the server still decides on every request (requireStaff).

export interface Screen {
  /** Under /console; `:name` segments are read with useRouteParams(). */
  path: string;
  /** The navigation's label; also the page title. */
  label: string;
  /** Who may open it. */
  roles: readonly StaffRoleName[];
  element: ReactNode;
  /** Listed in the navigation (default true; false for screens reached by a link, e.g. one customer). */
  nav?: boolean;
}

const EVERYONE = ['agent', 'supervisor', 'marketer', 'admin'] as const;

export const SCREENS: Screen[] = [
  { path: '/console', label: 'Home', roles: EVERYONE, element: <HomeScreen /> },
  { path: '/console/account/password', label: 'Change password', roles: EVERYONE, element: <PasswordScreen />, nav: false },
];
