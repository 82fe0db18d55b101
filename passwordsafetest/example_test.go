package passwordsafetest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// Serve the fake, sign in with the API key, and request a password.
func Example() {
	srv, err := passwordsafetest.Start(passwordsafetest.Config{})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	call := func(method, path, body string, header http.Header) (int, string) {
		req, _ := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := hc.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	auth := http.Header{"Authorization": {"PS-Auth key=" + passwordsafetest.DefaultAPIKey + "; runas=requestor;"}}
	fmt.Println(call(http.MethodPost, "Auth/SignAppin", "", auth))
	fmt.Println(call(http.MethodPost, "Requests", `{"SystemID":2,"AccountID":21,"DurationMinutes":30}`, nil))
	fmt.Println(call(http.MethodGet, "Credentials/1001", "", nil))

	_, body := call(http.MethodGet, "Requests", "", nil)
	var list []struct{ RequestID int }
	_ = json.Unmarshal([]byte(body), &list)
	fmt.Println(len(list), "request, status", mustRequest(srv.Server, 1001))
	// Output:
	// 200 {"UserId":1,"SID":"S-1-5-21-3623811015-3361044348-30300820-1101","EmailAddress":"requestor@example.test","UserName":"requestor","Name":"Rita Requestor"}
	// 201 {"RequestID":1001}
	// 403 "4034 - Request is not yet approved."
	// 1 request, status pending
}

func mustRequest(s *passwordsafetest.Server, id int) string {
	info, _ := s.Request(id)
	return info.Status
}
