package passwordsafetest_test

import (
	"context"
	"fmt"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// A test of code that reads its configuration from Secrets Safe: seed the
// secrets it expects, run it, and assert on what it read and stored.
func ExampleSafeSecret() {
	srv, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithSeed(passwordsafetest.Seed{
		Safes: []passwordsafetest.Safe{{Name: "payments", Members: []string{"requestor"}}},
		Secrets: []passwordsafetest.SafeSecret{
			{Path: "payments/db/dsn", Type: "Text", Text: "postgres://app@pg:5432/payments"},
			{Path: "payments/db/admin", Username: "dba", Password: "Dba-Pa55"},
			{Path: "payments/tls/ca.pem", Type: "File", Content: []byte("-----BEGIN CERTIFICATE-----\n")},
		},
	}))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client, err := srv.NewClient("requestor")
	if err != nil {
		panic(err)
	}

	// The code under test reads one secret and stores another.
	ctx := context.Background()
	dsn, _, err := client.Secrets.Find(ctx, "payments/db/dsn", nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("read:", dsn.Text.Value())
	folder, _, err := client.Folders.Find(ctx, "payments/db", nil)
	if err != nil {
		panic(err)
	}
	_, _, err = client.Secrets.CreateText(ctx, folder.ID, &passwordsafe.TextSecretOptions{
		Title: "migrated", Text: passwordsafe.NewSecret("2026-01-15"),
	})
	fmt.Println("create error:", err)

	// What the test asserts.
	stored, ok := srv.StoredSecret("payments/db/migrated")
	fmt.Println("stored:", ok, stored.Text, stored.CreatedBy)
	for _, s := range srv.Secrets() {
		fmt.Println(s.Path, s.Type)
	}
	// Output:
	// read: postgres://app@pg:5432/payments
	// create error: <nil>
	// stored: true 2026-01-15 requestor
	// payments/db/dsn Text
	// payments/db/admin Credential
	// payments/tls/ca.pem File
	// payments/db/migrated Text
}

// The default seed's Secrets Safe, and what each user may do with it.
func ExampleServer_Secrets() {
	srv, err := passwordsafetest.Start("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	for _, s := range srv.Safes() {
		fmt.Println("safe", s.Name, s.Members)
	}
	for _, f := range srv.Folders() {
		fmt.Println("folder", f.Path)
	}
	for _, s := range srv.Secrets() {
		fmt.Println("secret", s.Path, s.Type)
	}
	for _, name := range []string{"requestor", "auditor", "approver"} {
		u, _ := srv.User(name)
		fmt.Printf("%s: %q\n", name, u.SecretsSafe)
	}
	// Output:
	// safe prod []
	// safe dev [admin]
	// folder prod/db
	// folder prod/web
	// folder dev/sandbox
	// secret prod/db/url Text
	// secret prod/db/postgres Credential
	// secret prod/db/client-cert File
	// secret dev/sandbox/token Text
	// requestor: "ReadWrite"
	// auditor: "Read"
	// approver: ""
}

// One secret in one option; its safe and folder are created.
func ExampleWithSafeSecret() {
	srv, err := passwordsafetest.Start("127.0.0.1:0", passwordsafetest.WithSafeSecret(passwordsafetest.SafeSecret{
		Path: "ops/k8s/deployer", Username: "deployer", Password: "D3ploy!",
	}))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client, err := srv.NewClient("requestor")
	if err != nil {
		panic(err)
	}
	s, _, err := client.Secrets.Find(context.Background(), "ops/k8s/deployer", nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Username, s.Password.Value(), srv.Folders()[0].Path)
	// Output:
	// deployer D3ploy! ops/k8s
}
