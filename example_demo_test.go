package passwordsafe_test

import (
	"io"
	"net/http"
)

// The examples' stand-in servers start alike: what is here is shared by
// every one of them.

const demoAPI = "/BeyondTrust/api/public/v3/"

// demoMux is a mux that answers the sign-in as the real server does: the
// user (a JSON object) and the ASP.NET_SessionId cookie.
func demoMux(user string) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+demoAPI+"Auth/SignAppin", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "ASP.NET_SessionId", Value: "demo", Path: "/"})
		demoReply(w, http.StatusOK, user)
	})
	return mux
}

// demoReply answers status with a JSON body.
func demoReply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}
