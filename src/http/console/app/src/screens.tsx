import type { ReactNode } from 'react';
import type { StaffRoleName } from '../../api-schemas.ts';
import { HomeScreen } from './screens/home.tsx';
import { PasswordScreen } from './screens/password.tsx';
import { ApprovalsScreen } from './screens/approvals.tsx';
import { Customer360Screen } from './screens/customer-360.tsx';
import { CustomerSearchScreen } from './screens/customers.tsx';
import { AgentWorkspaceScreen } from './agent/agent-workspace.tsx';
import { WallboardScreen } from './agent/wallboard-screen.tsx';
import { CampaignBuilderScreen } from './marketing/campaign-builder.tsx';
import { CampaignScreen } from './marketing/campaign-screen.tsx';
import { CampaignsScreen } from './marketing/campaigns-screen.tsx';
import { AgentsScreen } from './agent/agents-screen.tsx';

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
  // Customers and approvals (auth helper): the server's roles are in src/http/api/staff-route-roles.ts.
  { path: '/console/customers', label: 'Customers', roles: ['agent', 'supervisor', 'admin'], element: <CustomerSearchScreen /> },
  { path: '/console/customers/:id', label: 'Customer', roles: ['agent', 'supervisor', 'admin'], element: <Customer360Screen />, nav: false },
  { path: '/console/approvals', label: 'Approvals', roles: ['agent', 'supervisor', 'admin'], element: <ApprovalsScreen /> },
  // The agent console (live inbox and conversations) and the supervisors' wallboard.
  { path: '/console/inbox', label: 'Inbox', roles: ['agent', 'supervisor', 'admin'], element: <AgentWorkspaceScreen /> },
  { path: '/console/wallboard', label: 'Wallboard', roles: ['supervisor', 'admin'], element: <WallboardScreen /> },
  // The marketer console: campaigns, the builder, one campaign's progress and results.
  { path: '/console/marketing', label: 'Campaigns', roles: ['marketer', 'admin', 'supervisor'], element: <CampaignsScreen /> },
  { path: '/console/marketing/new', label: 'New campaign', roles: ['marketer', 'admin'], element: <CampaignBuilderScreen />, nav: false },
  { path: '/console/marketing/campaigns/:id', label: 'Campaign', roles: ['marketer', 'admin', 'supervisor'], element: <CampaignScreen />, nav: false },
  { path: '/console/agents', label: 'Agents', roles: ['supervisor', 'admin'], element: <AgentsScreen /> },
];
