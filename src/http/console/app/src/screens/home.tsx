import { Anchor, List, Stack, Text, Title } from '@mantine/core';
import { SCREENS } from '../screens.tsx';
import { linkClick } from '../router.tsx';
import { useStaff } from '../staff.tsx';

export function HomeScreen() {
  const staff = useStaff();
  const screens = SCREENS.filter((screen) => screen.nav !== false && screen.path !== '/console' && staff.can(...screen.roles));
  return (
    <Stack>
      <Title order={2}>Welcome, {staff.session.staff.displayName}</Title>
      <Text>
        You are signed in as <b>{staff.role}</b>. You may approve bill credits up to {staff.session.approvalLimit}.
      </Text>
      {screens.length > 0 && (
        <List>
          {screens.map((screen) => (
            <List.Item key={screen.path}>
              <Anchor href={screen.path} onClick={linkClick(screen.path)}>
                {screen.label}
              </Anchor>
            </List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}
