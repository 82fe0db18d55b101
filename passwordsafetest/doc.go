// Package passwordsafetest is an in-memory, stateful fake of the BeyondTrust Password
// Safe public API (v3), for the SDK's end-to-end tests, its offline
// quickstart and for tool authors (go run ./examples/fakeserver).
//
// It speaks the real server's wire: PS-Auth or OAuth sign-in that answers an
// ASP.NET_SessionId cookie, paths matched case-insensitively below the base
// path, error bodies that are JSON strings such as
// "4034 - Request is not yet approved.", release requests with approvals,
// expiry and rotation, credentials, aliases, privileged sessions and their
// replay. Its clock can be moved forward (Advance) and faults can be
// injected (FailNext, DelayNext, DropNext, DropAfterNext), so tests reach
// expiry and failure paths in milliseconds. It uses the standard library
// only and never imports the SDK.
//
// # Seed
//
// Users (sign in with runas=<UserName>; only secured needs pwd=[...]):
//
//	ID  UserName     Roles                                  Run-as password
//	1   requestor    Requestor                              -
//	2   approver     Approver                               -
//	3   admin        Administrators, Requestor, Approver    -
//	4   reqapprover  Requestor, Approver                    -
//	5   secured      Requestor                              Secured-Pa55!
//
// The OAuth client acts as requestor (Config.OAuthRunAs).
//
// Managed accounts (random passwords, rotated when a released request that
// has RotateOnCheckin ends; the approvers listed are the only ones who may
// approve):
//
//	System      Account              Access          Approvals
//	1 web01     11 root              View, SSH       auto (has an SSH key + passphrase)
//	2 db01      21 postgres          View, SSH       1 of approver, reqapprover, admin
//	3 win01     31 Administrator     View, RDP, App  auto (ApplicationID 1 "Server Manager")
//	4 app01     41 EXAMPLE\deploy    View, SSH       2 of approver, reqapprover, admin
//	5 vault01   51 breakglass        View, SSH       3 of approver, reqapprover: always 4035
//	6 db02      61 postgres          View, SSH       1 of approver, reqapprover, admin
//
// Aliases: 1 web-root (state 1, web01/root), 2 db-ha (state 2, db01/postgres
// then db02/postgres; requests go to the first), 3 orphan (state 0, unmapped:
// requests answer 4031).
//
// Request IDs count from 1001, session IDs from 7001. The session proxy
// answers on ports 4422 (SSH) and 4489 (RDP) at the host the client called.
//
// # Dates
//
// Requests write dates like 2026-11-23T04:39:10.53 (no zone), sessions
// like 2026-11-23T04:39:10.53Z, aliases and managed accounts like
// 2026-11-23T04:39:10; dates not set are null.
package passwordsafetest
