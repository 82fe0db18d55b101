package passwordsafetest

import (
	"net/http"
	"strings"
	"time"
)

// node is a session node.
type node struct {
	id          string
	hostName    string
	displayName string
	active      bool
	heartbeat   time.Time // inactive nodes: when last heard of; active ones report the clock
}

// nodeJSON is a Node of GET Nodes.
type nodeJSON struct {
	NodeID        string
	HostName      string
	DisplayName   string
	LastHeartbeat *string
	IsActive      bool
}

func (s *Server) nodeByID(id string) *node {
	for _, n := range s.nodes {
		if strings.EqualFold(n.id, id) {
			return n
		}
	}
	return nil
}

// newGUID returns a random GUID in its usual 8-4-4-4-12 form.
func newGUID() string {
	h := randomHex(32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-" + h[16:20] + "-" + h[20:]
}

// sessionNode picks the node a new session goes through. An empty NodeID,
// or one the fake does not know, is served by the fake's own node (the
// reference says nothing of unknown nodes, and the fake accepted any before
// it knew nodes); a known inactive node is refused with 400.
func (s *Server) sessionNode(id string) (string, reply, bool) {
	if id == "" {
		return NodeID, reply{}, true
	}
	n := s.nodeByID(id)
	switch {
	case n == nil:
		return NodeID, reply{}, true
	case !n.active:
		return "", badRequest("Node " + n.id + " is not active. Choose an active node (GET Nodes)."), false
	}
	return n.id, reply{}, true
}

// boolParam reads a true/false query parameter (case-insensitive; absent
// or empty is false). It returns a 400 message when the value is neither,
// as ASP.NET's model binding refuses it.
func boolParam(c *call, name string) (bool, string) {
	v, _ := c.query(name)
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "false":
		return false, ""
	case "true":
		return true, ""
	}
	return false, "The value '" + v + "' is not valid for " + name + ": true or false."
}

// listNodes lists the session nodes: the active ones, or all with
// includeInactive=true. The fake's own node (NodeID) is always active. An
// active node's LastHeartbeat is the fake's clock (it has just reported);
// an inactive node's is when it last did. The reference names no
// permission ("None"): any signed-in user may list them.
//
// API: GET Nodes?includeInactive=true|false
func (s *Server) listNodes(c *call) reply {
	all, msg := boolParam(c, "includeInactive")
	if msg != "" {
		return badRequest(msg)
	}
	out := []nodeJSON{}
	for _, n := range s.nodes {
		if !n.active && !all {
			continue
		}
		hb := n.heartbeat
		if n.active {
			hb = c.now
		}
		out = append(out, nodeJSON{
			NodeID: n.id, HostName: n.hostName, DisplayName: n.displayName,
			LastHeartbeat: date(hb, dateLayoutRequests), IsActive: n.active,
		})
	}
	return jsonReply(http.StatusOK, out)
}

// DefaultServerVersion is what GET Configuration/Version answers unless
// WithServerVersion says otherwise.
const DefaultServerVersion = "25.3.0.1000"

// versionJSON is the answer of GET Configuration/Version.
type versionJSON struct{ Version string }

// serverVersion answers the server's version as {"Version": "..."}, the
// vendor's .NET client's VersionModel (the reference page shows no body;
// it names no permission, "None"). WithServerVersion sets the value.
//
// API: GET Configuration/Version
func (s *Server) serverVersion(c *call) reply {
	return jsonReply(http.StatusOK, versionJSON{Version: s.cfg.serverVersion})
}

// Nodes returns the session nodes, the fake's own first, as seeded.
func (s *Server) Nodes() []Node {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Node, 0, len(s.nodes))
	for _, n := range s.nodes {
		out = append(out, Node{ID: n.id, HostName: n.hostName, DisplayName: n.displayName,
			Inactive: !n.active, LastHeartbeat: n.heartbeat})
	}
	return out
}
