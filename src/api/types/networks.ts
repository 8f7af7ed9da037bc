import type { NetworkCreateRequest as CoreNetworkCreateRequest, EndpointConfig } from '../../core/network.js';
/** Docker Engine API v1.41 network shapes: shared by the server (compat/) and the client (CLI). */
export interface NetworkResource {
  Name: string;
  Id: string;
  Created: string;
  Scope: string;
  Driver: string;
  /** From 1.48. */
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
  /** From 1.52, inspect only: IPAM allocation statistics per subnet. */
  Status?: { IPAM: { Subnets: Record<string, { IPsInUse: number; DynamicIPsAvailable: number }> } };
}

/**
 * The request body. CheckDuplicate is accepted and ignored at every version: a duplicate name is
 * always a 409, as Docker does since 25.0 (API 1.44, a change it made for all API versions).
 */
export type NetworkCreateRequest = CoreNetworkCreateRequest & { CheckDuplicate?: boolean };

export interface NetworkCreateResponse {
  Id: string;
  Warning: string;
}

export interface NetworkConnectRequest {
  Container: string;
  EndpointConfig?: EndpointConfig | null;
}

export interface NetworkDisconnectRequest {
  Container: string;
  Force?: boolean;
}

export interface NetworkPruneResponse {
  NetworksDeleted: string[];
}
