/** The connection profile the page works on, from the `:connId` URL segment. */
import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { endpoints, keys } from "../api/endpoints";
import type { Profile } from "../api/types";

export function useProfiles() {
  return useQuery({ queryKey: keys.profiles, queryFn: endpoints.listProfiles, staleTime: 30_000 });
}

/** Numeric id from the URL (NaN when absent or malformed). */
export function useConnId(): number {
  const { connId } = useParams();
  return connId && /^\d+$/.test(connId) ? Number(connId) : Number.NaN;
}

export function useActiveProfile(): { id: number; profile: Profile | undefined; loading: boolean } {
  const id = useConnId();
  const q = useProfiles();
  return { id, profile: q.data?.find((p) => p.id === id), loading: q.isLoading };
}
