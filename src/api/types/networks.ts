import type { EndpointIpam, NetworkCreateRequest as CoreNetworkCreateRequest } from '../../core/network.js';
/** Docker Engine API v1.41 network shapes: shared by the server (compat/) and the client (CLI). */
export interface NetworkResource {
  Name: string;
  Id: string;
  Created: string;
  Scope: string;
  Driver: string;
  /** API 1.48 and later. */
  EnableIPv4?: boolean;
  EnableIPv6: boolean;
  IPAM: { Driver: string; Options: Record<string, string> | null; Config: Array<{ Subnet: string; Gateway?: string; IPRange?: string }> };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Containers: Record<string, { Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string }>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

/** The request body; CheckDuplicate is accepted for old clients and ignored (names are always unique). */
export type NetworkCreateRequest = CoreNetworkCreateRequest & { CheckDuplicate?: boolean };

export interface NetworkCreateResponse {
  Id: string;
  Warning: string;
}

export interface NetworkConnectRequest {
  Container: string;
  EndpointConfig?: { Aliases?: string[] | null; Links?: string[] | null; IPAMConfig?: EndpointIpam | null } | null;
}

export interface NetworkDisconnectRequest {
  Container: string;
  Force?: boolean;
}

export interface NetworkPruneResponse {
  NetworksDeleted: string[];
}
