package passwordsafe_test

// Examples of the inventory families: every name a user knows resolves to
// its ID. They run against the test kit's fake (see its default seed).

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// An incident responder locks every session on db01: the system's ID comes
// from its name.
func ExampleManagedSystemsService_Find() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()
	ctx := context.Background()
	client := must(srv.NewClient("quarantine"))

	sys, _, err := client.ManagedSystems.Find(ctx, "db01")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("db01 is managed system", sys.ManagedSystemID, "on asset", sys.AssetID)
	if _, _, err := client.Sessions.LockSystemSessions(ctx, sys.ManagedSystemID, nil); err != nil {
		log.Fatal(err)
	}

	_, _, err = client.ManagedSystems.Find(ctx, "db99")
	fmt.Println("db99:", errors.Is(err, passwordsafe.ErrNotFound))
	// Output:
	// db01 is managed system 2 on asset 2
	// db99: true
}

// An administrator onboards an asset as a managed system, then lists the
// systems of its workgroup.
func ExampleManagedSystemsService_CreateOnAsset() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()
	ctx := context.Background()
	client := must(srv.NewClient("admin"))

	printer, _, err := client.Assets.Find(ctx, "Lab", "lab-printer")
	if err != nil {
		log.Fatal(err)
	}
	sys, _, err := client.ManagedSystems.CreateOnAsset(ctx, printer.AssetID, &passwordsafe.CreateAssetSystemOptions{
		PlatformID: 10,
		ManagedSystemSettings: passwordsafe.ManagedSystemSettings{
			Description:         "floor 2 printer",
			ChangeFrequencyType: passwordsafe.ChangeXDays,
			ChangeFrequencyDays: passwordsafe.Ptr(30),
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("new managed system", sys.ManagedSystemID, sys.SystemName)
	for s, err := range client.ManagedSystems.AllByWorkgroup(ctx, printer.WorkgroupID, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("in Lab:", s.SystemName)
	}
	// Output:
	// new managed system 7 lab-printer
	// in Lab: lab-printer
}

// Assets are found by workgroup and name, or searched by address.
func ExampleAssetsService_Find() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()
	ctx := context.Background()
	client := must(srv.NewClient("auditor"))

	a, _, err := client.Assets.Find(ctx, "BeyondTrust Workgroup", "web01")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("web01 is asset", a.AssetID, "at", a.IPAddress)

	found, _, err := client.Assets.Search(ctx, &passwordsafe.SearchAssetsOptions{
		Criteria: passwordsafe.AssetSearch{IPAddress: "10.30.0.0/24"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range found {
		fmt.Println("in 10.30.0.0/24:", a.AssetName)
	}
	// Output:
	// web01 is asset 1 at 10.20.0.2
	// in 10.30.0.0/24: lab-printer
}

func ExampleWorkgroupsService_Find() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()
	ctx := context.Background()
	client := must(srv.NewClient("admin"))

	lab, _, err := client.Workgroups.Find(ctx, "Lab")
	if err != nil {
		log.Fatal(err)
	}
	assets, _, err := client.Assets.ListByWorkgroup(ctx, lab.ID, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("workgroup %d %s holds %d asset(s)\n", lab.ID, lab.Name, len(assets))
	// Output:
	// workgroup 2 Lab holds 1 asset(s)
}

// An incident responder ends every request of a user, found by name.
func ExampleUsersService_Find() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()
	ctx := context.Background()
	client := must(srv.NewClient("quarantine"))

	u, _, err := client.Users.Find(ctx, "requestor")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("requestor is user", u.UserID, u.FirstName, u.LastName)
	if _, _, err := client.Requests.TerminateUserRequests(ctx, u.UserID,
		&passwordsafe.TerminateRequestsOptions{Reason: "laptop stolen"}); err != nil {
		log.Fatal(err)
	}
	fmt.Println("ended:", srv.Terminations()[0].Reason)
	// Output:
	// requestor is user 1 Rita Requestor
	// ended: laptop stolen
}

func ExampleUserGroupsService_Members() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()
	ctx := context.Background()
	client := must(srv.NewClient("auditor"))

	g, _, err := client.UserGroups.Find(ctx, "Requestors")
	if err != nil {
		log.Fatal(err)
	}
	members, _, err := client.UserGroups.Members(ctx, g.GroupID)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range members {
		fmt.Println(g.Name+":", m.UserName)
	}
	rules, _, err := client.UserGroups.ListGroupSmartRules(ctx, g.GroupID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("reaches:", rules[0].Title)
	// Output:
	// Requestors: requestor
	// Requestors: reqapprover
	// Requestors: secured
	// reaches: Linux Accounts
}

// An auditor lists every account of a system, requestable or not.
func ExampleManagedAccountsService_ListBySystem() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()
	ctx := context.Background()
	client := must(srv.NewClient("auditor"))

	sys, _, err := client.ManagedSystems.Find(ctx, "win01")
	if err != nil {
		log.Fatal(err)
	}
	accounts, _, err := client.ManagedAccounts.ListBySystem(ctx, sys.ManagedSystemID, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range accounts {
		fmt.Printf("%s: account %d %s, released for %d minutes\n", sys.SystemName, a.ManagedAccountID, a.AccountName, a.ReleaseDuration)
	}
	// Output:
	// win01: account 31 Administrator, released for 120 minutes
}

// An administrator onboards an account, sets its password, and has it
// changed at once when it is exposed.
func ExampleManagedAccountsService_SetCredentials() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()
	ctx := context.Background()
	client := must(srv.NewClient("admin"))

	sys, _, err := client.ManagedSystems.Find(ctx, "web01")
	if err != nil {
		log.Fatal(err)
	}
	acct, _, err := client.ManagedAccounts.Create(ctx, sys.ManagedSystemID, &passwordsafe.ManagedAccountOptions{
		AccountName: "svc-backup",
		Password:    passwordsafe.NewSecret("first-Pa55!"),
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.ManagedAccounts.SetCredentials(ctx, acct.ManagedAccountID, &passwordsafe.SetCredentialsOptions{
		Password: passwordsafe.NewSecret("second-Pa55!"),
	}); err != nil {
		log.Fatal(err)
	}
	fmt.Println("set:", srv.Password("web01", "svc-backup") == "second-Pa55!")
	if _, err := client.ManagedAccounts.ChangeCredentials(ctx, acct.ManagedAccountID, nil); err != nil {
		log.Fatal(err)
	}
	fmt.Println("changed:", srv.Password("web01", "svc-backup") != "second-Pa55!")
	// Output:
	// set: true
	// changed: true
}

// The current one-time code of an account with TOTP; it never prints.
func ExampleManagedAccountsService_TOTP() {
	srv := must(passwordsafetest.Start("127.0.0.1:0"))
	defer srv.Close()
	ctx := context.Background()
	client := must(srv.NewClient("admin"))

	_, accountID, _ := srv.AccountIDs("web01", "root")
	code, _, err := client.ManagedAccounts.TOTP(ctx, accountID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(code, len(code.Value()), code.Value() == srv.TOTPCode("web01", "root"))
	// Output:
	// [REDACTED] 6 true
}
