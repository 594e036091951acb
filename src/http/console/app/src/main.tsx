import '@mantine/core/styles.css';
import { Center, Loader, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Shell } from './shell.tsx';
import { SignInPage } from './sign-in.tsx';
import { SessionGate } from './staff.tsx';

const queryClient = new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: true, retry: 1 } } });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <MantineProvider>
      <QueryClientProvider client={queryClient}>
        <SessionGate
          loading={
            <Center mih="100vh">
              <Loader />
            </Center>
          }
          signedOut={<SignInPage />}
          signedIn={<Shell />}
        />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
