import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { sessionResponseSchema, type SessionResponse, type SignInRequest, type StaffRoleName } from '../../api-schemas.ts';
import { api, ApiError, onSignedOut, setCsrfToken } from './api.ts';

// Who is signed in: one query of GET /console/api/session shared by the whole app. A 401
// anywhere (api.ts) clears it, which shows the sign-in page.

export const SESSION_QUERY_KEY = ['console', 'session'] as const;

export interface StaffContextValue {
  session: SessionResponse;
  role: StaffRoleName;
  /** Whether the signed-in role is one of these. */
  can(...roles: StaffRoleName[]): boolean;
  signOut(): Promise<void>;
}

const StaffContext = createContext<StaffContextValue | null>(null);

/** The signed-in staff member; only inside the signed-in part of the app. */
export function useStaff(): StaffContextValue {
  const value = useContext(StaffContext);
  if (!value) throw new Error('useStaff() outside <SignedIn>');
  return value;
}

/** Loads the session: renders `signedIn` with it, or `signedOut` (the sign-in page). */
export function SessionGate({ signedIn, signedOut, loading }: { signedIn: ReactNode; signedOut: ReactNode; loading: ReactNode }) {
  const queryClient = useQueryClient();
  const session = useQuery({
    queryKey: SESSION_QUERY_KEY,
    queryFn: async ({ signal }) => {
      try {
        return await api('/console/api/session', sessionResponseSchema, { signal });
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
  useEffect(() => onSignedOut(() => queryClient.setQueryData(SESSION_QUERY_KEY, null)), [queryClient]);
  useEffect(() => setCsrfToken(session.data?.csrfToken), [session.data]);
  const signOut = useMutation({
    mutationFn: () => api('/console/api/session', null, { method: 'DELETE' }),
    onSettled: () => {
      setCsrfToken(undefined);
      queryClient.clear();
      queryClient.setQueryData(SESSION_QUERY_KEY, null);
    },
  });

  if (session.isPending) return <>{loading}</>;
  if (!session.data) return <>{signedOut}</>;
  const current = session.data;
  const value: StaffContextValue = {
    session: current,
    role: current.staff.role,
    can: (...roles) => roles.includes(current.staff.role),
    signOut: async () => {
      await signOut.mutateAsync().catch(() => undefined);
    },
  };
  return <StaffContext.Provider value={value}>{signedIn}</StaffContext.Provider>;
}

/** Signs in and stores the new session where SessionGate reads it. */
export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: SignInRequest) => api('/console/api/session', sessionResponseSchema, { method: 'POST', body: credentials }),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      queryClient.setQueryData(SESSION_QUERY_KEY, session);
    },
  });
}
