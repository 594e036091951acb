import { AppShell, Badge, Group, Menu, NavLink, ScrollArea, Text, Title, UnstyledButton, Alert } from '@mantine/core';
import { useEffect } from 'react';
import { SCREENS, type Screen } from './screens.tsx';
import { linkClick, matchPath, navigate, RouteParams, usePath } from './router.tsx';
import { useStaff } from './staff.tsx';

// The signed-in frame: a header with who is signed in (change password, sign out), the
// navigation of the screens this role may open, and the screen the URL names.

const ROLE_COLOURS = { agent: 'blue', supervisor: 'grape', marketer: 'teal', admin: 'red' } as const;

export function Shell() {
  const staff = useStaff();
  const path = usePath();
  const visible = SCREENS.filter((screen) => screen.nav !== false && staff.can(...screen.roles));
  const match = findScreen(path);
  const title = match?.screen.label ?? 'Not found';
  useEffect(() => {
    document.title = `${title} · Console`;
  }, [title]);

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 0 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={4}>Console</Title>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <UnstyledButton aria-label="Account menu" data-testid="account-menu">
                <Group gap="xs">
                  <Text size="sm" fw={500}>
                    {staff.session.staff.displayName}
                  </Text>
                  <Badge color={ROLE_COLOURS[staff.role]} variant="light">
                    {staff.role}
                  </Badge>
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{staff.session.staff.email}</Menu.Label>
              <Menu.Item onClick={() => navigate('/console/account/password')}>Change password</Menu.Item>
              <Menu.Item color="red" onClick={() => void staff.signOut().then(() => navigate('/console', { replace: true }))}>
                Sign out
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Screens">
        <ScrollArea>
          {visible.map((screen) => (
            <NavLink
              key={screen.path}
              href={screen.path}
              label={screen.label}
              active={match?.screen.path === screen.path}
              onClick={linkClick(screen.path)}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        {!match ? (
          <Alert color="gray" title="Not found">
            No console screen has the address {path}.
          </Alert>
        ) : !staff.can(...match.screen.roles) ? (
          <Alert color="orange" title="Not for your role">
            Your role ({staff.role}) may not open {match.screen.label}.
          </Alert>
        ) : (
          <RouteParams params={match.params}>{match.screen.element}</RouteParams>
        )}
      </AppShell.Main>
    </AppShell>
  );
}

function findScreen(path: string): { screen: Screen; params: Record<string, string> } | undefined {
  const normalised = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (const screen of SCREENS) {
    const params = matchPath(screen.path, normalised);
    if (params) return { screen, params };
  }
  return undefined;
}
