package passwordsafetest_test

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

type nodeOut struct {
	NodeID        string
	HostName      string
	DisplayName   string
	LastHeartbeat *string
	IsActive      bool
}

func TestNodes(t *testing.T) {
	f := newFixture(t)
	rita := f.as("requestor") // no permission is needed

	var nodes []nodeOut
	rita.do(http.MethodGet, "Nodes", nil).wantStatus(http.StatusOK).decode(&nodes)
	if len(nodes) != 1 || nodes[0].NodeID != passwordsafetest.NodeID || !nodes[0].IsActive || nodes[0].DisplayName != "Local node" ||
		nodes[0].LastHeartbeat == nil || *nodes[0].LastHeartbeat != "2026-11-23T04:39:10.53" {
		t.Errorf("nodes %+v", nodes)
	}
	f.srv.Advance(time.Minute) // an active node reports the clock
	rita.do(http.MethodGet, "Nodes?includeInactive=true", nil).wantStatus(http.StatusOK).decode(&nodes)
	if len(nodes) != 2 || *nodes[0].LastHeartbeat != "2026-11-23T04:40:10.53" || nodes[1].NodeID != passwordsafetest.RetiredNodeID ||
		nodes[1].IsActive || *nodes[1].LastHeartbeat != "2026-11-16T04:39:10.53" {
		t.Errorf("all nodes %+v", nodes)
	}
	rita.do(http.MethodGet, "Nodes?includeInactive=false", nil).wantStatus(http.StatusOK).decode(&nodes)
	if len(nodes) != 1 {
		t.Errorf("active nodes %+v", nodes)
	}
	rita.do(http.MethodGet, "Nodes?includeInactive=all", nil).wantStatus(http.StatusBadRequest)
	f.anon().do(http.MethodGet, "Nodes", nil).wantStatus(http.StatusUnauthorized)
}

func TestSeededNodesAndSessions(t *testing.T) {
	const eu = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
	f := newFixture(t,
		passwordsafetest.WithNode(passwordsafetest.Node{ID: passwordsafetest.NodeID, DisplayName: "Primary"}),
		passwordsafetest.WithSeed(passwordsafetest.Seed{Nodes: []passwordsafetest.Node{
			{ID: eu, HostName: "ps-eu.example.test"},
			{HostName: "ps-old.example.test", Inactive: true, LastHeartbeat: epoch.Add(-time.Hour)},
		}}))
	nodes := f.srv.Nodes()
	if len(nodes) != 3 || nodes[0].DisplayName != "Primary" || nodes[0].HostName != "localhost" || nodes[1].DisplayName != "ps-eu.example.test" ||
		len(nodes[2].ID) != 36 || !nodes[2].Inactive || !nodes[2].LastHeartbeat.Equal(epoch.Add(-time.Hour)) {
		t.Errorf("nodes %+v (seeded nodes replace the default inactive one)", nodes)
	}
	rita, ada := f.as("requestor"), f.as("admin")
	id := rita.createRequest(req(1, 11, 60, "AccessType", "SSH"))
	var tk ticketOut
	rita.do(http.MethodPost, path("Requests/{id}/Sessions", id), map[string]string{"SessionType": "SSH", "NodeID": strings.ToUpper(eu)}).
		wantStatus(http.StatusCreated).decode(&tk)
	if tk.NodeID != eu || ada.session(tk.SessionID).NodeID != eu || f.sessions()[0].NodeID != eu {
		t.Errorf("the session does not go through the chosen node: %+v", tk)
	}
	rita.do(http.MethodPost, path("Requests/{id}/Sessions", id), map[string]string{"SessionType": "SSH", "NodeID": nodes[2].ID}).
		wantStatus(http.StatusBadRequest)
	ada.do(http.MethodPost, "Sessions/Admin", map[string]any{"SessionType": "SSH", "HostName": "h", "UserName": "u", "Password": "p", "NodeID": nodes[2].ID}).
		wantStatus(http.StatusBadRequest)

	// The JSON seed: testdata/seed.example.json lists two nodes.
	srv := passwordsafetest.NewServer(t, passwordsafetest.WithSeedFile(filepath.Join("testdata", "seed.example.json")))
	if n := srv.Nodes(); len(n) != 3 || n[1].ID != eu || n[1].DisplayName != "EU proxy" || !n[2].Inactive ||
		!n[2].LastHeartbeat.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("seed file nodes %+v", n)
	}

	// Seed errors.
	for name, tc := range map[string]struct {
		nodes []passwordsafetest.Node
		want  string
	}{
		"twice":        {[]passwordsafetest.Node{{ID: eu}, {ID: strings.ToUpper(eu)}}, "seeded twice"},
		"own inactive": {[]passwordsafetest.Node{{ID: passwordsafetest.NodeID, Inactive: true}}, "cannot be inactive"},
	} {
		if _, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithSeed(passwordsafetest.Seed{Nodes: tc.nodes})); err == nil ||
			!strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestServerVersion(t *testing.T) {
	f := newFixture(t)
	r := f.as("auditor").do(http.MethodGet, "Configuration/Version", nil).wantStatus(http.StatusOK)
	if string(r.body) != `{"Version":"`+passwordsafetest.DefaultServerVersion+`"}` {
		t.Errorf("version %s", r.body)
	}
	f = newFixture(t, passwordsafetest.WithServerVersion("24.1.0.77"))
	if r := f.as("requestor").do(http.MethodGet, "configuration/version", nil).wantStatus(http.StatusOK); string(r.body) != `{"Version":"24.1.0.77"}` {
		t.Errorf("version %s", r.body)
	}
	if _, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithServerVersion(" ")); err == nil {
		t.Errorf("an empty version is no error")
	}
}
