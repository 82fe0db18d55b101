package passwordsafe

import "context"

// ListNodesOptions filters SessionsService.Nodes. The zero value (and nil)
// lists the active nodes.
type ListNodesOptions struct {
	IncludeInactive bool // list inactive nodes too (includeInactive=true)
}

// query has nothing to check and nothing that can fail: one flag.
func (o *ListNodesOptions) query() string {
	if o == nil || !o.IncludeInactive {
		return ""
	}
	return "includeInactive=true"
}

// Node is a session node: a Password Safe host that proxies sessions. Its
// NodeID is what CreateSessionOptions, CreateAdminSessionOptions and
// CreateISASessionOptions take to open a session through it, and what a
// Session reports.
type Node struct {
	NodeID        string // a GUID
	HostName      string
	DisplayName   string
	LastHeartbeat Time // zero when the node never reported
	IsActive      bool
}

// Nodes lists the session nodes, to choose the one a session goes through
// (for instance the one nearest the target, or an active one). Without the
// Remote Session Proxy feature there is one node, the local one.
//
// API: GET Nodes
// Needs: no permission beyond signing in.
func (s *SessionsService) Nodes(ctx context.Context, opts *ListNodesOptions) ([]Node, *Response, error) {
	return callList[Node](ctx, s.client, get("Nodes", opts.query()))
}
