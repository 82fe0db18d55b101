package usertest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"example.com/usertest"
	"github.com/passwordsafe-go/passwordsafe"
	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// The vault for these tests: one account of our own that needs one
// approval (the default users, such as requestor and approver, stay).
func newVault(t *testing.T) *passwordsafetest.Server {
	return passwordsafetest.NewServer(t, passwordsafetest.WithAccount(passwordsafetest.Account{
		System: "pg-prod", Name: "backup", Password: "s3cret", Policy: passwordsafetest.Policy{Approvals: 1},
	}))
}

func TestBackupWaitsForApprovalAndLeavesNothingOpen(t *testing.T) {
	srv := newVault(t)
	client := srv.Client(t, "requestor")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// A flaky proxy: the first credential read answers 503 (the SDK retries it).
	srv.Next("GET", "Credentials/*").Fail(http.StatusServiceUnavailable)
	// The approver acts as soon as the request is pending.
	approved := make(chan error, 1)
	go func() {
		rq, err := srv.WaitForRequest(ctx, passwordsafetest.StatusPending)
		if err == nil {
			err = srv.Approve(rq.RequestID, "approver")
		}
		approved <- err
	}()

	var dumped string
	err := usertest.Backup(ctx, client, "pg-prod", "backup", func(pw string) error { dumped = pw; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := <-approved; err != nil {
		t.Fatal(err)
	}
	if dumped != "s3cret" {
		t.Errorf("dump got %q", dumped)
	}
	if open := srv.OpenRequests(); len(open) != 0 {
		t.Errorf("left open: %+v", open)
	}
	checkins := srv.Checkins()
	if len(checkins) != 1 {
		t.Fatalf("check-ins: %+v", checkins)
	}
	if rq, _ := srv.Request(checkins[0].RequestID); rq.Reason != "nightly backup" || rq.Approvals[0] != "approver" {
		t.Errorf("request: %+v", rq)
	}
	if srv.Password("pg-prod", "backup") == "s3cret" {
		t.Errorf("the password was not rotated at check-in")
	}
}

func TestBackupChecksInWhenTheDumpFails(t *testing.T) {
	srv := newVault(t)
	client := srv.Client(t, "requestor")
	go func() {
		if rq, err := srv.WaitForRequest(context.Background(), passwordsafetest.StatusPending); err == nil {
			_ = srv.Approve(rq.RequestID, "approver")
		}
	}()
	boom := errors.New("disk full")
	err := usertest.Backup(context.Background(), client, "pg-prod", "backup", func(string) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if open := srv.OpenRequests(); len(open) != 0 {
		t.Errorf("left open: %+v", open)
	}
}

func TestBackupWhenTheVaultDropsTheRequest(t *testing.T) {
	srv := newVault(t)
	client := srv.Client(t, "requestor")
	srv.Next("POST", "Requests").Drop() // the connection breaks before the vault acts

	err := usertest.Backup(context.Background(), client, "pg-prod", "backup", func(string) error {
		t.Error("dump ran without a password")
		return nil
	})
	var er *passwordsafe.ErrorResponse
	if err == nil || errors.As(err, &er) {
		t.Fatalf("err %v, want a transport error", err)
	}
	if n := srv.Calls("POST", "Requests"); n != 1 {
		t.Errorf("POST Requests sent %d times: a POST that may have arrived is never repeated", n)
	}
	if all := srv.Requests(); len(all) != 0 {
		t.Errorf("requests: %+v", all)
	}
}

func TestBackupOfAnUnknownAccount(t *testing.T) {
	srv := newVault(t)
	err := usertest.Backup(context.Background(), srv.Client(t, "requestor"), "pg-prod", "nobody", func(string) error { return nil })
	if !errors.Is(err, passwordsafe.ErrNotFound) {
		t.Errorf("err %v", err)
	}
}
